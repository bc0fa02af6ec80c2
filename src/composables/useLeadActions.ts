import { computed, nextTick, ref } from 'vue'
import type { ContactChannel, LeadRow } from '@/api/types'
import { leadName } from '@/format/lead'
import type { PendingWrite } from '@/format/lead'
import { useOutboxStore } from '@/stores/outbox'
import { useQueueStore } from '@/stores/queue'
import type { OutcomeInput } from '@/stores/queue'

/**
 * What the next-lead page and a lead's own page share: the writes waiting for a lead, and the
 * call, sheet and outcome handlers. `afterSave` runs once the outcome is stored.
 */
export function useLeadActions(lead: () => LeadRow | null | undefined, afterSave: () => void | Promise<void>) {
  const queue = useQueueStore()
  const outbox = useOutboxStore()

  const pendingWrites = computed<PendingWrite[]>(() => {
    const id = lead()?.id
    return outbox.items.flatMap(item => item.kind !== 'availability' && item.payload.lead_id === id
      ? [{ id: item.id, label: item.label, at: item.createdAt, rejected: item.state === 'rejected' }]
      : [])
  })

  const sheetOpen = computed(() => queue.sheet !== null && queue.sheet.lead.id === lead()?.id)
  const sheetLeadName = computed(() => (queue.sheet ? leadName(queue.sheet.lead) : ''))

  /** Why the phone could not store a write (storage full or blocked); shown on the sheet. */
  const failure = ref('')
  const storageProblem = (error: unknown) =>
    `This phone could not save it (${error instanceof Error ? error.message : 'storage unavailable'}). Try again; if it keeps failing, write it down.`

  function contact(channel: ContactChannel): void {
    const current = lead()
    failure.value = ''
    if (current) {
      // The link still dials; only the record of the attempt can fail here.
      void queue.startContact(current, channel).catch((error: unknown) => {
        failure.value = storageProblem(error)
      })
    }
  }

  function log(): void {
    const current = lead()
    if (current)
      queue.openSheet(current)
  }

  async function save(input: OutcomeInput): Promise<void> {
    const target = queue.sheet?.lead
    if (!target)
      return
    failure.value = ''
    try {
      await queue.saveOutcome(target, input)
    }
    catch (error) {
      failure.value = storageProblem(error)
      return
    }
    await nextTick()
    await afterSave()
  }

  function cancel(): void {
    failure.value = ''
    void queue.closeSheet().catch(() => {})
  }

  return { pendingWrites, sheetOpen, sheetLeadName, failure, contact, log, save, cancel }
}
