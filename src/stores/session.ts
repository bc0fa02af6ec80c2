import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import * as auth from '@/api/auth'
import type { Session } from '@/api/auth'

export const useSessionStore = defineStore('session', () => {
  /** The signed-in session, or null when signed out. */
  const session = shallowRef<Session | null>(null)
  /** The signed-in auth user. */
  const user = computed(() => session.value?.user ?? null)
  const isSignedIn = computed(() => user.value !== null)
  /** True once `restore()` has read the persisted session; guards wait for it. */
  const restored = ref(false)

  let restoring: Promise<void> | undefined
  let stopFollowing: (() => void) | undefined
  const signOutTasks = new Set<() => Promise<unknown>>()

  /**
   * Reads the session kept from the last run and follows sign-ins, sign-outs and token refreshes
   * from then on. Safe to call many times: the work happens once.
   */
  function restore(): Promise<void> {
    restoring ??= (async () => {
      // A change the client reports while restoring is newer than what restoring answers.
      let changed = false
      stopFollowing = auth.onSessionChange((next) => {
        changed = true
        session.value = next
      })
      try {
        // Offline with an expired access token this is the stored session: the rep keeps working.
        const restoredSession = await auth.restoreSession()
        if (!changed)
          session.value = restoredSession
      }
      catch {
        // A session that cannot be read (not just not refreshed for want of network) is treated as signed out.
        if (!changed)
          session.value = null
      }
      finally {
        restored.value = true
      }
    })()
    return restoring
  }

  /** Signs in; throws an `AuthFailure` whose message can be shown as is. */
  async function signIn(email: string, password: string): Promise<void> {
    session.value = await auth.signIn(email.trim(), password)
  }

  /**
   * Runs `task` on every sign-out, while the session still exists (e.g. the server forgets this
   * device's push subscription). A failing task does not stop the sign-out. Returns the undo.
   */
  function beforeSignOut(task: () => Promise<unknown>): () => void {
    signOutTasks.add(task)
    return () => signOutTasks.delete(task)
  }

  /**
   * Signs this device out, also with no network. Resolves false when the server could not be
   * told (the session then ends there when it expires); throws an `AuthFailure` when the device
   * could not be signed out.
   */
  async function signOut(): Promise<boolean> {
    await Promise.allSettled([...signOutTasks].map(task => task()))
    const reachedServer = await auth.signOut()
    session.value = null
    return reachedServer
  }

  /** Stops following auth events and forgets everything (tests, and a future account switch). */
  function $reset(): void {
    stopFollowing?.()
    stopFollowing = undefined
    restoring = undefined
    session.value = null
    restored.value = false
  }

  return { session, user, isSignedIn, restored, restore, signIn, beforeSignOut, signOut, $reset }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot))
