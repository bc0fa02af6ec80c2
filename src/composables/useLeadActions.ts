import { computed, nextTick } from 'vue'
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

  function contact(channel: ContactChannel): void {
    const current = lead()
    if (current)
      void queue.startContact(current, channel)
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
    await queue.saveOutcome(target, input)
    await nextTick()
    await afterSave()
  }

  return { pendingWrites, sheetOpen, sheetLeadName, contact, log, save, cancel: () => queue.closeSheet() }
}
