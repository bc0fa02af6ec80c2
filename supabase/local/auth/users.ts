import type { Queryable } from './db.ts'

export type Metadata = Record<string, unknown>

/** One row of auth.users, as far as this service reads it. */
export interface UserRow {
  id: string
  aud: string | null
  role: string | null
  email: string | null
  encrypted_password: string | null
  email_confirmed_at: Date | null
  invited_at: Date | null
  phone: string | null
  phone_confirmed_at: Date | null
  confirmation_sent_at: Date | null
  confirmed_at: Date | null
  recovery_sent_at: Date | null
  email_change: string | null
  email_change_sent_at: Date | null
  phone_change: string | null
  phone_change_sent_at: Date | null
  reauthentication_sent_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Metadata | null
  raw_user_meta_data: Metadata | null
  created_at: Date
  updated_at: Date
  banned_until: Date | null
  deleted_at: Date | null
  is_anonymous: boolean
}

export interface IdentityRow {
  id: string
  provider_id: string
  user_id: string
  identity_data: Metadata
  provider: string
  last_sign_in_at: Date | null
  created_at: Date
  updated_at: Date
  email: string | null
}

export interface UserRecord extends UserRow {
  identities: IdentityRow[]
}

/** Columns the service writes; updates are limited to these names, never to caller-chosen ones. */
export type UserColumn =
  | 'aud' | 'role' | 'email' | 'encrypted_password' | 'email_confirmed_at' | 'phone' | 'phone_confirmed_at'
  | 'confirmation_token' | 'confirmation_sent_at' | 'recovery_token' | 'recovery_sent_at'
  | 'email_change' | 'email_change_token_new' | 'email_change_token_current' | 'email_change_sent_at'
  | 'phone_change' | 'phone_change_token' | 'phone_change_sent_at'
  | 'reauthentication_token' | 'reauthentication_sent_at'
  | 'last_sign_in_at' | 'raw_app_meta_data' | 'raw_user_meta_data' | 'banned_until' | 'deleted_at' | 'is_anonymous'

async function withIdentities(db: Queryable, rows: UserRow[]): Promise<UserRecord[]> {
  if (rows.length === 0)
    return []
  const { rows: identities } = await db.query<IdentityRow>(
    'select * from auth.identities where user_id = any($1::uuid[]) order by created_at, id',
    [rows.map(row => row.id)],
  )
  return rows.map(row => ({ ...row, identities: identities.filter(identity => identity.user_id === row.id) }))
}

export async function loadUser(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<UserRecord | undefined> {
  const lock = options.forUpdate ? ' for update' : ''
  const { rows } = await db.query<UserRow>(`select * from auth.users where id = $1${lock}`, [id])
  return (await withIdentities(db, rows))[0]
}

/** The user an email address signs in as (GoTrue ignores SSO users here). */
export async function findUserByEmail(db: Queryable, email: string, aud: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRow>(
    'select * from auth.users where lower(email) = lower($1) and aud = $2 and not is_sso_user',
    [email, aud],
  )
  return (await withIdentities(db, rows))[0]
}

export async function emailTaken(db: Queryable, email: string, aud: string, exceptUserId?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `select 1 from auth.users where lower(email) = lower($1) and aud = $2 and not is_sso_user
       and id is distinct from $3::uuid`,
    [email, aud, exceptUserId ?? null],
  )
  return (rowCount ?? 0) > 0
}

export async function phoneTaken(db: Queryable, phone: string, aud: string, exceptUserId?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'select 1 from auth.users where phone = $1 and aud = $2 and id is distinct from $3::uuid',
    [phone, aud, exceptUserId ?? null],
  )
  return (rowCount ?? 0) > 0
}

export interface NewUser {
  id?: string
  aud: string
  role: string
  email: string | null
  phone: string | null
  encryptedPassword: string | null
  appMetadata: Metadata
  userMetadata: Metadata
  isAnonymous?: boolean
}

export async function insertUser(db: Queryable, user: NewUser): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password, raw_app_meta_data,
                             raw_user_meta_data, is_anonymous)
     values ('00000000-0000-0000-0000-000000000000', coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9)
     returning id`,
    [user.id ?? null, user.aud, user.role, user.email, user.phone, user.encryptedPassword,
      user.appMetadata, user.userMetadata, user.isAnonymous ?? false],
  )
  return rows[0].id
}

/** Stands for the transaction's `now()` in {@link updateUser}, so timestamps agree with the database clock. */
export const sqlNow = Symbol('now()')

/** Sets the given columns (plus updated_at). */
export async function updateUser(db: Queryable, id: string, columns: Partial<Record<UserColumn, unknown>>): Promise<void> {
  const names = Object.keys(columns) as UserColumn[]
  if (names.length === 0)
    return
  const values: unknown[] = [id]
  const assignments = names.map((name) => {
    const value = columns[name]
    if (value === sqlNow)
      return `${name} = now()`
    values.push(value)
    return `${name} = $${values.length}`
  })
  await db.query(`update auth.users set ${assignments.join(', ')}, updated_at = now() where id = $1`, values)
}

/** GoTrue's metadata update: keys with a null value are removed, the rest are set. */
export function mergeMetadata(current: Metadata | null, updates: Metadata): Metadata {
  const merged: Metadata = { ...current }
  for (const [key, value] of Object.entries(updates)) {
    if (value === null)
      delete merged[key]
    else
      merged[key] = value
  }
  return merged
}

export async function insertIdentity(db: Queryable, userId: string, provider: string, identityData: Metadata): Promise<void> {
  await db.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
     values ($1, $2, $3, $4, now())`,
    [String(identityData.sub ?? userId), userId, identityData, provider],
  )
}

/** Merges into the identity_data of a user's identity for `provider`; false when the user has none. */
export async function updateIdentityData(db: Queryable, userId: string, provider: string, updates: Metadata): Promise<boolean> {
  const { rowCount } = await db.query(
    `update auth.identities set identity_data = identity_data || $3::jsonb, updated_at = now()
     where user_id = $1 and provider = $2`,
    [userId, provider, updates],
  )
  return (rowCount ?? 0) > 0
}

export async function listUsers(
  db: Queryable,
  aud: string,
  page: { page: number, perPage: number },
  filter: string,
): Promise<{ users: UserRecord[], total: number }> {
  const pattern = `%${filter.replace(/[\\%_]/g, match => `\\${match}`)}%`
  const where = `aud = $1 and ($2 = '' or email ilike $3 or raw_user_meta_data ->> 'full_name' ilike $3)`
  const { rows: [{ count }] } = await db.query<{ count: string }>(
    `select count(*) from auth.users where ${where}`,
    [aud, filter, pattern],
  )
  const { rows } = await db.query<UserRow>(
    `select * from auth.users where ${where} order by created_at desc, id limit $4 offset $5`,
    [aud, filter, pattern, page.perPage, (page.page - 1) * page.perPage],
  )
  return { users: await withIdentities(db, rows), total: Number(count) }
}

export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await db.query('delete from auth.users where id = $1', [id])
}

/**
 * GoTrue's soft delete: the row stays (so foreign keys to it hold) but can no longer sign in; its
 * addresses, password, metadata, identities and sessions are cleared.
 */
export async function softDeleteUser(db: Queryable, id: string): Promise<void> {
  await db.query(
    `update auth.users set email = null, phone = null, encrypted_password = null, email_change = '', phone_change = '',
       raw_user_meta_data = '{}', raw_app_meta_data = '{}', deleted_at = now(), updated_at = now()
     where id = $1 and deleted_at is null`,
    [id],
  )
  await db.query('delete from auth.identities where user_id = $1', [id])
  await db.query('delete from auth.sessions where user_id = $1', [id])
}
