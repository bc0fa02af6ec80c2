import { byCreation, stampOutboxItem } from '../../../src/offline/outbox.ts'
import type { Outbox, OutboxItem } from '../../../src/offline/outbox.ts'

export type MemoryOutbox = Outbox & { items: Map<string, OutboxItem> }

/** The Outbox interface over a Map, for tests of what sits on top of it. */
export function memoryOutbox(initial: OutboxItem[] = []): MemoryOutbox {
  const items = new Map(initial.map(item => [item.id, item]))
  return {
    items,
    async enqueue(item) {
      const stored = stampOutboxItem(item)
      items.set(stored.id, stored)
      return stored
    },
    async list(userId) {
      return [...items.values()].filter(item => item.userId === userId).sort(byCreation)
    },
    async markRejected(id, error) {
      const item = items.get(id)
      if (item)
        items.set(id, { ...item, state: 'rejected', error })
    },
    async remove(ids) {
      for (const id of ids)
        items.delete(id)
    },
  }
}
