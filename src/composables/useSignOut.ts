import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { forgetQueue } from '@/offline/queue-cache'
import { useAvailabilityStore } from '@/stores/availability'
import { useNoticeStore } from '@/stores/notice'
import { useQueueStore } from '@/stores/queue'
import { useSessionStore } from '@/stores/session'

/** Shown after a sign-out that could not reach the server. */
export const signedOutOfflineMessage = 'Signed out of this phone. Pronto could not be reached to end the session on the server as well; '
  + 'you need a connection to sign in again.'

/**
 * Signs the rep out of this phone and forgets what is personal on it: the cached queue and
 * the stores' state. The outbox stays, kept for this rep only, and syncs at their next sign-in.
 * Resolves false when the server could not be told (no network): the phone is signed out all
 * the same. Throws an `AuthFailure` when the phone could not be signed out.
 */
export async function signOutThisPhone(): Promise<boolean> {
  const session = useSessionStore()
  const userId = session.user?.id
  const reachedServer = await session.signOut()
  if (userId)
    await forgetQueue(userId)
  useQueueStore().$reset()
  useAvailabilityStore().$reset()
  return reachedServer
}

/** The Sign out button: signs out, goes to the sign-in screen and says so if it happened offline. */
export function useSignOut() {
  const router = useRouter()
  const notice = useNoticeStore()
  const signingOut = ref(false)
  const error = ref('')

  async function signOut(): Promise<void> {
    error.value = ''
    signingOut.value = true
    try {
      const reachedServer = await signOutThisPhone()
      await router.replace({ name: 'sign-in' })
      // After the navigation: the app also moves to sign-in by itself when the session ends.
      if (!reachedServer)
        notice.showHere(signedOutOfflineMessage)
    }
    catch (problem) {
      error.value = problem instanceof Error ? problem.message : 'Sign-out failed. Try again.'
    }
    finally {
      signingOut.value = false
    }
  }

  return { signingOut, error, signOut }
}
