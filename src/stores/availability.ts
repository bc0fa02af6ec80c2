import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { MemberAvailability } from '@/api/types'
import { availabilityLabels } from '@/format/lead'
import { useOutboxStore } from './outbox'
import { useQueueStore } from './queue'

export const useAvailabilityStore = defineStore('availability', () => {
  const outbox = useOutboxStore()
  const queue = useQueueStore()

  /** What the server last said (from the queue summary), and when that answer was fetched. */
  const known = ref<{ value: MemberAvailability, at: number } | null>(null)
  /** When the rep last changed it on this phone. */
  const changedAt = ref(0)
  const chosen = ref<MemberAvailability | null>(null)

  /** A change made on this phone that the server has not confirmed yet. */
  const pending = computed(() => {
    const item = outbox.items.findLast(candidate => candidate.kind === 'availability' && candidate.state === 'pending')
    return item?.kind === 'availability' ? item.payload.status : null
  })

  /**
   * The rep's availability as they should see it: an unsent change first, then whichever is
   * newer of their own last change and the server's answer.
   */
  const status = computed<MemberAvailability | null>(() => {
    if (pending.value)
      return pending.value
    if (known.value && known.value.at > changedAt.value)
      return known.value.value
    return chosen.value ?? known.value?.value ?? null
  })

  watch(() => queue.snapshot, (snapshot) => {
    if (snapshot?.summary)
      known.value = { value: snapshot.summary.availability, at: snapshot.savedAt }
  }, { immediate: true })

  /** Sets on shift, break or off: at once on this phone, through the outbox to the server (routing reads it). */
  async function change(next: MemberAvailability): Promise<void> {
    if (next === status.value)
      return
    chosen.value = next
    changedAt.value = Date.now()
    await outbox.enqueue({ kind: 'availability', label: `Availability: ${availabilityLabels[next]}`, payload: { status: next } })
  }

  function $reset(): void {
    known.value = null
    changedAt.value = 0
    chosen.value = null
  }

  return { status, pending, change, $reset }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useAvailabilityStore, import.meta.hot))
