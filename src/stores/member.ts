import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { fetchMemberProfile } from '@/api/member'
import type { MemberProfile } from '@/api/member'
import { useSessionStore } from './session'

export const useMemberStore = defineStore('member', () => {
  const session = useSessionStore()
  /** The signed-in user's member row, once loaded; null when signed out or not a member. */
  const profile = shallowRef<MemberProfile | null>(null)
  /** Managers and admins see the team board and the metrics. */
  const isManager = computed(() => profile.value?.role === 'manager' || profile.value?.role === 'admin')

  let loadedFor: string | undefined
  let loading: Promise<MemberProfile | null> | undefined

  // Another sign-in is another person.
  watch(() => session.user?.id, (id) => {
    if (id !== loadedFor) {
      profile.value = null
      loadedFor = undefined
      loading = undefined
    }
  })

  /**
   * Loads the signed-in user's member row once per sign-in (later calls answer from memory).
   * Throws an ApiError when the server cannot be asked.
   */
  function load(): Promise<MemberProfile | null> {
    const userId = session.user?.id
    if (!userId)
      return Promise.resolve(null)
    if (loadedFor === userId)
      return Promise.resolve(profile.value)
    loading ??= (async () => {
      const row = await fetchMemberProfile(userId)
      if (session.user?.id === userId) {
        profile.value = row
        loadedFor = userId
      }
      return row
    })().finally(() => {
      loading = undefined
    })
    return loading
  }

  function $reset(): void {
    profile.value = null
    loadedFor = undefined
    loading = undefined
  }

  return { profile, isManager, load, $reset }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useMemberStore, import.meta.hot))
