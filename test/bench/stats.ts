/** Percentile of a sample (nearest-rank), in the sample's unit. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0)
    return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

/** Times `run` `count` times in a row and returns the durations in milliseconds. */
export async function timeEach(count: number, run: (i: number) => PromiseLike<unknown>): Promise<number[]> {
  const durations: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await run(i)
    durations.push(performance.now() - started)
  }
  return durations
}
