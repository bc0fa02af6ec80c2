// Props shared by the board's lead lists (BoardLeadList.vue), the page that lays them out, and what
// each list tells about a lead (RiskCountdown, BreachedSince, WaitingSince).
import type { BoardLead } from '@/api/manager'
import type { BoardAction } from './BoardLeadItem.vue'

/** One of the board's lists of leads. */
export interface BoardLeadListProps {
  /** Id of the section's heading (the section is labelled by it). */
  headingId: string
  title: string
  /** Shown instead of the list when there are no leads. */
  emptyText: string
  /** The first 50 leads. */
  leads: BoardLead[]
  /** All of them. */
  count: number
  /** What the manager may do with each lead here. */
  actions: BoardAction[]
  busyLeadIds: string[]
  myId: string | undefined
  /** A lead waiting in the fallback queue is nobody's, whoever is still on record as its owner. */
  fallbackIsUnowned?: boolean
}

/** What a list tells about one lead, under its owner. */
export interface LeadDetailProps {
  lead: BoardLead
  /** The server's now, ticking (ms). */
  now: number
}
