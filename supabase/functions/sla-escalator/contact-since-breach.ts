// Whether a breached lead has been called since its breach: that stops its ladder, though its
// sla_state stays 'breached' (the SLA was missed). A call sets first_contact_at only if it was
// the lead's first ever, so the trail is asked too (a re-engaged lead was called in an earlier life).
import type { Tx } from '../_shared/db/postgres.ts'

/** SQL condition over `public.leads l`: true when `l` was not contacted since `l.sla_breached_at`. */
export function notContactedSinceBreach(tx: Tx) {
  return tx`
    (l.first_contact_at is null or l.first_contact_at < l.sla_breached_at)
    and not exists (
      select 1 from public.lead_events e
      where e.lead_id = l.id and e.type in ('contact_attempted', 'disposition') and e.occurred_at >= l.sla_breached_at)`
}
