import { PresenceRegistry } from './presence.ts'
import type { PresenceDiff, PresenceMap } from './presence.ts'
import type { BroadcastBody } from './protocol.ts'

/** A joined channel as broadcast and presence see it. */
export interface TopicMember {
  /** Public and private channels of the same name are different topics. */
  readonly topicKey: string
  readonly broadcastSelf: boolean
  readonly presenceEnabled: boolean
  deliverBroadcast: (event: string, body: BroadcastBody) => void
  pushPresenceDiff: (diff: PresenceDiff) => void
}

export function topicKey(subTopic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${subTopic}`
}

/** Members of every topic across all sockets: broadcast fan-out and presence. */
export class TopicHub {
  private readonly members = new Map<string, Set<TopicMember>>()
  private readonly presence = new PresenceRegistry<TopicMember>()

  join(member: TopicMember): void {
    let members = this.members.get(member.topicKey)
    if (!members) {
      members = new Set()
      this.members.set(member.topicKey, members)
    }
    members.add(member)
  }

  /** Removes the member and tells the others it left, if it was present. */
  leave(member: TopicMember): void {
    const members = this.members.get(member.topicKey)
    members?.delete(member)
    if (members?.size === 0)
      this.members.delete(member.topicKey)
    this.untrack(member)
  }

  /** Sends to every member of the topic; the sender only if it asked for `self`. */
  broadcast(key: string, event: string, body: BroadcastBody, sender?: TopicMember): void {
    for (const member of this.members.get(key) ?? []) {
      if (member !== sender || member.broadcastSelf)
        member.deliverBroadcast(event, body)
    }
  }

  presenceState(member: TopicMember): PresenceMap {
    return this.presence.state(member.topicKey)
  }

  track(member: TopicMember, key: string, payload: Record<string, unknown>): void {
    this.sendDiff(member.topicKey, this.presence.track(member.topicKey, member, key, payload))
  }

  untrack(member: TopicMember): void {
    const diff = this.presence.untrack(member.topicKey, member)
    if (diff)
      this.sendDiff(member.topicKey, diff)
  }

  private sendDiff(key: string, diff: PresenceDiff): void {
    for (const member of this.members.get(key) ?? []) {
      if (member.presenceEnabled)
        member.pushPresenceDiff(diff)
    }
  }
}
