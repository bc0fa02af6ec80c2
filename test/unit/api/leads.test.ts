import { describe, expect, it, vi } from 'vitest'
import { fetchOpenLeads } from '@/api/leads'

const sent = vi.hoisted(() => ({ urls: [] as URL[] }))

// The network edge: the app's REST client, with a fetch that records the request and answers no rows.
vi.mock('@/api/supabase', async () => {
  const { createRestClient } = await import('@/api/rest-client')
  return {
    restClient: createRestClient('http://api.test', 'anon-key', async () => null, async (input: RequestInfo | URL) => {
      sent.urls.push(new URL(input instanceof Request ? input.url : input))
      return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } })
    }),
  }
})

describe('the open leads the phone keeps for offline use', () => {
  it('are the best ones by next_lead()\'s priority when there are more than the limit, not the oldest', async () => {
    await fetchOpenLeads('rep-1')
    const url = sent.urls.at(-1)!
    expect(url.pathname).toBe('/rest/v1/leads')
    expect(url.searchParams.get('assigned_to')).toBe('eq.rep-1')
    expect(url.searchParams.get('order')).toBe('tier.asc,score.desc,sla_due_at.asc.nullslast,created_at.asc,reengaged_count.desc,id.asc')
    expect(url.searchParams.get('limit')).toBe('200')
  })
})
