/**
 * Functions the local stack invokes on a timer: the ONE place the local schedule is declared.
 * Production runs the same calls with pg_cron + pg_net, scheduled by the migration
 * `supabase/migrations/20261123000900_schedule_sla_escalator.sql`; keep the two in step.
 * Each call is a POST to /functions/v1/<function> with the service-role key, like pg_net's.
 */
export interface ScheduledCall {
  /** Folder name under supabase/functions/. */
  function: string
  everySeconds: number
  /** JSON body of each call. */
  body: unknown
}

export const schedule: ScheduledCall[] = [
  // SLA reminders, breaches and escalations; issue #5 wants it every 10 seconds or better.
  { function: 'sla-escalator', everySeconds: 10, body: {} },
]
