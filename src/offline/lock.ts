/** Name of the Web Lock every outbox flush holds (windows and the service worker). */
export const outboxLock = 'pronto-outbox-flush'

const held = new Map<string, Promise<unknown>>()

/**
 * Runs `work` while holding the named lock, so one outbox flush runs at a time across windows
 * and the service worker (Web Locks), or at least within this context where Web Locks are missing.
 */
export function runExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (locks)
    return locks.request(name, () => work()) as Promise<T>
  const previous = held.get(name) ?? Promise.resolve()
  const run = previous.catch(() => {}).then(work)
  held.set(name, run)
  void run.catch(() => {}).finally(() => {
    if (held.get(name) === run)
      held.delete(name)
  })
  return run
}
