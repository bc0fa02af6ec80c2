/** One-line logs, `HH:MM:SS service message`. PRONTO_LOG=debug shows the noisy ones, quiet hides all but errors. */
// Read on every call: test setups set PRONTO_LOG after this module is first loaded.
const level = () => process.env.PRONTO_LOG ?? 'info'

function write(service: string, message: string): void {
  const time = new Date().toISOString().slice(11, 19)
  process.stdout.write(`${time} ${service.padEnd(9)} ${message}\n`)
}

export const log = {
  /** Whether info lines are written; callers skip building a message nobody would see. */
  infoEnabled: () => level() !== 'quiet',
  info: (service: string, message: string) => {
    if (level() !== 'quiet')
      write(service, message)
  },
  debug: (service: string, message: string) => {
    if (level() === 'debug')
      write(service, message)
  },
  error: (service: string, message: string) => {
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${service.padEnd(9)} ERROR ${message}\n`)
  },
}
