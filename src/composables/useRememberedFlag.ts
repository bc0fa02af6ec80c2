import { readonly, ref } from 'vue'
import type { Ref } from 'vue'

/** Reads a "1" flag from localStorage; false when unset or storage is blocked (private mode). */
export function readFlag(storage: Pick<Storage, 'getItem'> | undefined, key: string): boolean {
  try {
    return storage?.getItem(key) === '1'
  }
  catch {
    return false
  }
}

/**
 * A yes/no the device remembers across visits (e.g. "the rep said Not now").
 * @returns `value`, and `set()` which also stores it (kept for this visit only when storage is blocked).
 */
export function useRememberedFlag(key: string): { value: Readonly<Ref<boolean>>, set: (next: boolean) => void } {
  const storage = typeof localStorage === 'undefined' ? undefined : localStorage
  const value = ref(readFlag(storage, key))
  return {
    value: readonly(value),
    set(next) {
      value.value = next
      try {
        if (next)
          storage?.setItem(key, '1')
        else
          storage?.removeItem(key)
      }
      catch {
        // Not remembered: it asks again on the next visit.
      }
    },
  }
}
