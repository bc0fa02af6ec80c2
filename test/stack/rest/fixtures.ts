import { randomUUID } from 'node:crypto'
import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { expect, inject } from 'vitest'
import WebSocket from 'ws'
import { signJwt } from '../../../supabase/local/jwt.ts'
import { sqlClient } from '../../support/clients.ts'

/**
 * The conformance fixtures: `public.conf_*` tables with foreign keys in every direction, RLS on
 * `conf_notes`, and functions of every result shape. Recreated by each test file, so files
 * never depend on each other's writes.
 */
const fixtureSql = `
drop table if exists public.conf_notes, public.conf_reviews, public.conf_profiles, public.conf_books,
  public.conf_authors, public.conf_counters, public.conf_log cascade;
drop function if exists public.conf_add, public.conf_books_by, public.conf_author_summary, public.conf_echo,
  public.conf_touch, public.conf_touch_then_fail, public.conf_fail, public.conf_whoami, public.conf_payment_required, public.conf_enqueue,
  public.conf_greet, public.conf_top_book, public.conf_numbers, public.conf_default_arg cascade;

create table public.conf_authors (
  id int primary key,
  name text not null,
  country text,
  born date
);
create table public.conf_books (
  id int primary key,
  title text not null,
  author_id int references public.conf_authors (id),
  editor_id int constraint conf_books_editor_fkey references public.conf_authors (id),
  rating numeric,
  price numeric(8, 2),
  published_at timestamptz,
  tags text[] not null default '{}',
  meta jsonb not null default '{}',
  in_print boolean,
  isbn text unique
);
create table public.conf_reviews (
  id serial primary key,
  book_id int not null references public.conf_books (id) on delete cascade,
  stars int not null,
  body text
);
create table public.conf_profiles (
  author_id int primary key references public.conf_authors (id),
  bio text
);
create table public.conf_counters (
  key text primary key,
  slot int unique,
  value int not null default 0,
  label text default 'unlabelled',
  created_at timestamptz not null default now()
);
create table public.conf_log (id serial primary key, message text not null);
create table public.conf_notes (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id),
  body text not null
);
alter table public.conf_notes enable row level security;
create policy "owners read their notes" on public.conf_notes for select to authenticated using (owner_id = auth.uid());
create policy "owners add their notes" on public.conf_notes for insert to authenticated with check (owner_id = auth.uid());
create policy "owners change their notes" on public.conf_notes for update to authenticated using (owner_id = auth.uid());

insert into public.conf_authors values
  (1, 'Ursula Le Guin', 'US', '1929-10-21'),
  (2, 'Stanislaw Lem', 'PL', '1921-09-12'),
  (3, 'Octavia Butler', 'US', null),
  (4, 'Nobody, Jr.', null, null);
insert into public.conf_books values
  (1, 'The Dispossessed', 1, 2, 4.5, 12.50, '2024-01-01T10:00:00Z', '{scifi,utopia}', '{"pages": 387, "series": {"name": "Hainish"}}', true, '978-0'),
  (2, 'The Left Hand of Darkness', 1, null, 4.8, 11.00, '2024-02-01T10:00:00Z', '{scifi}', '{"pages": 304}', true, '978-1'),
  (3, 'Solaris', 2, 1, 4.2, null, null, '{scifi,classic}', '{"pages": 204}', false, '978-2'),
  (4, 'Kindred', 3, null, null, 9.99, '2024-03-01T10:00:00Z', '{}', '{}', null, null),
  (5, 'Anonymous (draft)', null, null, 1, 1.00, null, '{draft}', '{}', false, null);
insert into public.conf_reviews (book_id, stars, body) values (1, 5, 'great'), (1, 3, 'slow'), (3, 4, 'odd'), (2, 5, 'classic');
insert into public.conf_profiles values (1, 'Anarres'), (2, 'Kraków');

create function public.conf_add(a int, b int) returns int language sql immutable as 'select a + b';
create function public.conf_greet(name text, greeting text default 'Hello') returns text language sql immutable
  as $$ select greeting || ', ' || name $$;
create function public.conf_books_by(author int) returns setof public.conf_books language sql stable
  as 'select * from public.conf_books where author_id = author order by id';
create function public.conf_author_summary(author int) returns table (name text, book_count bigint) language sql stable
  as 'select a.name, count(b.id) from public.conf_authors a left join public.conf_books b on b.author_id = a.id where a.id = author group by a.name';
create function public.conf_top_book() returns public.conf_books language sql stable
  as 'select * from public.conf_books order by rating desc nulls last limit 1';
create function public.conf_numbers(n int) returns setof int language sql immutable as 'select generate_series(1, n)';
create function public.conf_echo(jsonb) returns jsonb language sql immutable as 'select $1';
create function public.conf_touch(message text) returns void language sql
  as 'insert into public.conf_log (message) values (message)';
create function public.conf_touch_then_fail(message text) returns void language plpgsql as $$
begin
  insert into public.conf_log (message) values (message);
  raise exception 'refused after writing %', message;
end $$;
create function public.conf_fail(reason text) returns int language plpgsql as $$
begin
  raise exception 'refused: %', reason using detail = 'the detail', hint = 'the hint';
end $$;
create function public.conf_payment_required() returns int language plpgsql as $$
begin
  raise sqlstate 'PT402' using message = 'pay first';
end $$;
create function public.conf_enqueue() returns text language plpgsql as $$
begin
  perform set_config('response.status', '202', true);
  perform set_config('response.headers', '[{"X-Queue-Position": "7"}]', true);
  return 'queued';
end $$;
create function public.conf_whoami() returns jsonb language sql stable as $$
  select jsonb_build_object('uid', auth.uid(), 'role', current_user, 'claim_role', auth.role(),
    'method', current_setting('request.method', true), 'path', current_setting('request.path', true),
    'client', current_setting('request.headers', true)::jsonb ->> 'x-client-info',
    'timeout', current_setting('statement_timeout'))
$$;
`

export interface Fixtures {
  sql: pg.Client
  apiUrl: string
  anonKey: string
  anon: SupabaseClient
  service: SupabaseClient
  alice: SupabaseClient
  bob: SupabaseClient
  aliceId: string
  bobId: string
  /** A JWT for alice that expired a minute ago. */
  expiredToken: string
}

/** An untyped supabase-js client (the generated Database type does not know the fixtures). */
export function restClient(key: string, accessToken?: string): SupabaseClient {
  const { apiUrl } = inject('stack')
  return createClient(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {},
  })
}

async function userToken(sql: pg.Client, label: string, expiresInSeconds = 3600): Promise<{ id: string, token: string }> {
  const id = randomUUID()
  const email = `${label}-${id.slice(0, 8)}@rest.pronto.test`
  await sql.query(`insert into auth.users (id, email, role, aud) values ($1, $2, 'authenticated', 'authenticated')`, [id, email])
  const token = await signJwt({ sub: id, role: 'authenticated', aud: 'authenticated', email }, expiresInSeconds)
  return { id, token }
}

export async function setupFixtures(): Promise<Fixtures> {
  const { apiUrl, anonKey, serviceRoleKey } = inject('stack')
  const sql = await sqlClient()
  await sql.query(fixtureSql)
  const alice = await userToken(sql, 'alice')
  const bob = await userToken(sql, 'bob')
  const expiredToken = await signJwt({ sub: alice.id, role: 'authenticated', aud: 'authenticated' }, -60)
  return {
    sql,
    apiUrl,
    anonKey,
    anon: restClient(anonKey),
    service: restClient(serviceRoleKey),
    alice: restClient(anonKey, alice.token),
    bob: restClient(anonKey, bob.token),
    aliceId: alice.id,
    bobId: bob.id,
    expiredToken,
  }
}

/** A raw request to /rest/v1, for what supabase-js cannot send (a malformed body) or to read headers. */
export async function restFetch(fixtures: Fixtures, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (!headers.has('apikey'))
    headers.set('apikey', fixtures.anonKey)
  return fetch(`${fixtures.apiUrl}/rest/v1${path}`, { ...init, headers })
}

/** Asserts PostgREST's error shape: exactly `code`, `message`, `details`, `hint`. */
export function expectErrorShape(error: unknown, code: string): void {
  expect(error).not.toBeNull()
  expect(Object.keys(error as object).sort()).toEqual(['code', 'details', 'hint', 'message'])
  expect((error as { code: string }).code).toBe(code)
}
