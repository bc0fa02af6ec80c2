import { unwrap } from './errors'
import { restClient } from './supabase'

export type MemberRole = 'rep' | 'manager' | 'admin'

/** Who the signed-in user is in their organization. */
export interface MemberProfile {
  id: string
  org_id: string
  team_id: string | null
  role: MemberRole
  full_name: string
}

/** The member row of a signed-in user; null when they are not (or no longer) an active member. */
export function fetchMemberProfile(userId: string): Promise<MemberProfile | null> {
  return unwrap<MemberProfile | null>(restClient.from('members')
    .select('id,org_id,team_id,role,full_name')
    .eq('id', userId)
    .eq('active', true)
    .maybeSingle())
}
