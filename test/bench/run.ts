import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startStack } from '../../supabase/local/stack.ts'
import type { Stack } from '../../supabase/local/stack.ts'
import { escalatorBench } from './escalator.ts'
import { foundationBench } from './foundation.ts'
import { ingestBench } from './ingest.ts'
import { managerBench } from './manager.ts'
import { preparePushBench, pushBench } from './push.ts'
import { pwaBench } from './pwa.ts'
import { queueBench } from './queue.ts'
import { formatTable } from './table.ts'
import type { BenchRow } from './table.ts'

/** Every benchmark, by name; `npm run bench -- <name> ...` runs a subset. */
const benches: Record<string, (stack: Stack) => Promise<BenchRow[]>> = {
  foundation: foundationBench,
  ingest: ingestBench,
  // Before queue: the escalator's real-clock run should not first have to work through its million leads.
  escalator: escalatorBench,
  queue: queueBench,
  push: pushBench,
  pwa: pwaBench,
  // Last: its million leads have running clocks the escalator's real-clock runs must not meet.
  manager: managerBench,
}

const chosen = process.argv.slice(2).filter(name => !name.startsWith('-'))
const names = chosen.length > 0 ? chosen : Object.keys(benches)
const unknown = names.filter(name => !(name in benches))
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(benches).join(', ')}`)
  process.exit(2)
}

process.env.PRONTO_LOG ??= 'quiet'
const root = await mkdtemp(path.join(tmpdir(), 'pronto-bench-'))
// The push bench's double must be trusted by the functions from their first boot.
const functionEnv = await preparePushBench(root)
const stack = await startStack({ dataDir: path.join(root, 'db'), apiPort: 0, dbPort: 0, reset: true, scheduler: false, functionEnv })
const rows: BenchRow[] = []
try {
  for (const name of names) {
    console.error(`running ${name}...`)
    rows.push(...await benches[name](stack))
  }
}
finally {
  await stack.stop()
  await rm(root, { recursive: true, force: true })
}
console.log(formatTable(rows))
// Benches run under a shared lock (flock): exit now, so a handle the stack leaves behind (e.g. after a
// browser held realtime connections, as the PWA bench's signed-in Lighthouse runs do) cannot keep it.
process.exit(0)
