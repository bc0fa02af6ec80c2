// Memoizes a costly computation for one step: many leads of a run share a policy and a due time.

/** `compute(input)` worked out once per distinct `key(input)`. */
export function oncePerKey<T, V>(key: (input: T) => string, compute: (input: T) => V): (input: T) => V {
  const known = new Map<string, V>()
  return (input) => {
    const k = key(input)
    let value = known.get(k)
    if (value === undefined)
      known.set(k, value = compute(input))
    return value
  }
}
