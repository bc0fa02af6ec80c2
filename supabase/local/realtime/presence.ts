import { randomUUID } from 'node:crypto'

/** `{ "<key>": { metas: [{ phx_ref, ...tracked payload }] } }`, Phoenix Presence's wire shape. */
export type PresenceMap = Record<string, { metas: Array<Record<string, unknown>> }>

export interface PresenceDiff {
  joins: PresenceMap
  leaves: PresenceMap
}

interface Tracked {
  key: string
  meta: Record<string, unknown>
}

function single(key: string, meta: Record<string, unknown>): PresenceMap {
  return { [key]: { metas: [meta] } }
}

/**
 * Who is present on each topic. Each joined channel tracks at most one meta under its presence
 * key (several channels may share a key, as several tabs of one user do).
 */
export class PresenceRegistry<Member> {
  private readonly topics = new Map<string, Map<Member, Tracked>>()

  state(topic: string): PresenceMap {
    const state: PresenceMap = {}
    for (const { key, meta } of this.topics.get(topic)?.values() ?? [])
      (state[key] ??= { metas: [] }).metas.push(meta)
    return state
  }

  /** Tracks (or replaces) `member`'s payload; the diff leaves the old meta and joins the new one. */
  track(topic: string, member: Member, key: string, payload: Record<string, unknown>): PresenceDiff {
    let members = this.topics.get(topic)
    if (!members) {
      members = new Map()
      this.topics.set(topic, members)
    }
    const previous = members.get(member)
    const meta: Record<string, unknown> = { ...payload, phx_ref: randomUUID() }
    if (previous)
      meta.phx_ref_prev = previous.meta.phx_ref
    members.set(member, { key, meta })
    return { joins: single(key, meta), leaves: previous ? single(previous.key, previous.meta) : {} }
  }

  /** Forgets `member` on `topic`; undefined when it tracked nothing. */
  untrack(topic: string, member: Member): PresenceDiff | undefined {
    const members = this.topics.get(topic)
    const previous = members?.get(member)
    if (!members || !previous)
      return undefined
    members.delete(member)
    if (members.size === 0)
      this.topics.delete(topic)
    return { joins: {}, leaves: single(previous.key, previous.meta) }
  }
}
