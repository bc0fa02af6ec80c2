/**
 * Runs `task` once the main thread has nothing else to do (at the latest after `timeoutMs`), so
 * work the first screen does not need stays out of the tasks that render it. Safari has no
 * requestIdleCallback: there a macrotask stands in. Returns a function that cancels the task.
 */
export function whenIdle(task: () => void, timeoutMs = 2000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => task(), { timeout: timeoutMs })
    return () => cancelIdleCallback(id)
  }
  const id = setTimeout(task, 1)
  return () => clearTimeout(id)
}

/** Runs `steps` in order, each in its own idle moment (a task of its own). Returns a function that cancels the rest. */
export function stepsWhenIdle(steps: readonly (() => void)[], timeoutMs = 2000): () => void {
  let cancel = () => {}
  const runFrom = (index: number): void => {
    if (index >= steps.length)
      return
    cancel = whenIdle(() => {
      steps[index]()
      runFrom(index + 1)
    }, timeoutMs)
  }
  runFrom(0)
  return () => cancel()
}
