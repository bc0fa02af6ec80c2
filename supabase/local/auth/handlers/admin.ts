import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { authenticateAdmin } from '../authenticate.ts'
import type { Queryable } from '../db.ts'
import { inTransaction } from '../db.ts'
import { AuthError, validationFailed } from '../errors.ts'
import { checkNewPassword, hashPassword, isBcryptHash } from '../password.ts'
import type { AuthRequest, Handler } from '../request.ts'
import { metadata, optional, readJson } from '../request.ts'
import { audience, defaultRole } from '../settings.ts'
import { userJson } from '../user-json.ts'
import type { UserColumn, UserRecord } from '../users.ts'
import {
  deleteUser, emailTaken, insertIdentity, insertUser, listUsers, loadUser, mergeMetadata, phoneTaken,
  softDeleteUser, sqlNow, updateIdentityData, updateUser,
} from '../users.ts'
import { isUuid, normalizeEmail, normalizePhone, parseGoDuration } from '../validation.ts'

const adminUserBody = z.object({
  id: optional(z.string()),
  aud: optional(z.string()),
  role: optional(z.string()),
  email: optional(z.string()),
  phone: optional(z.string()),
  password: optional(z.string()),
  password_hash: optional(z.string()),
  email_confirm: optional(z.boolean()),
  phone_confirm: optional(z.boolean()),
  user_metadata: optional(metadata),
  app_metadata: optional(metadata),
  ban_duration: optional(z.string()),
})
type AdminUserBody = z.infer<typeof adminUserBody>

const deleteBody = z.object({ should_soft_delete: optional(z.boolean()) })

const duplicateEmail = () => new AuthError(422, 'email_exists', 'A user with this email address has already been registered')
const duplicatePhone = () => new AuthError(422, 'phone_exists', 'Phone number already registered by another user')
const defaultPerPage = 50

/** `banned_until` for a `ban_duration` ('none' lifts a ban). */
function bannedUntil(banDuration: string): Date | null {
  return banDuration === 'none' ? null : new Date(Date.now() + parseGoDuration(banDuration))
}

/** The user named by the path, as GoTrue's loadUser middleware finds it. */
async function targetUser(db: Queryable, id: string): Promise<UserRecord> {
  if (!isUuid(id))
    throw new AuthError(404, 'validation_failed', 'user_id must be an UUID')
  const user = await loadUser(db, id)
  if (!user)
    throw new AuthError(404, 'user_not_found', 'User not found')
  return user
}

function pageNumber(value: string | null, fallback: number): number {
  if (value === null || value === '')
    return fallback
  if (!/^\d+$/.test(value))
    throw validationFailed(`Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": invalid syntax`)
  return Number(value)
}

/** GoTrue's Link header: next (when there is one) and last page, with the query keys sorted as Go encodes them. */
function paginationLink(url: URL, page: number, lastPage: number): string {
  const at = (target: number) => {
    const query = new URLSearchParams(url.searchParams)
    query.set('page', String(target))
    query.sort()
    return `</admin/users?${query}>`
  }
  return (lastPage > page ? `${at(page + 1)}; rel="next", ` : '') + `${at(lastPage)}; rel="last"`
}

/** GET /admin/users?page=&per_page=&filter= */
const list = async ({ url, pool }: AuthRequest) => {
  const page = Math.max(pageNumber(url.searchParams.get('page'), 1), 1)
  const perPage = pageNumber(url.searchParams.get('per_page'), defaultPerPage) || defaultPerPage
  const { users, total } = await listUsers(pool, audience, { page, perPage }, url.searchParams.get('filter') ?? '')
  return {
    status: 200,
    body: { users: users.map(userJson), aud: audience },
    headers: { 'link': paginationLink(url, page, Math.ceil(total / perPage)), 'x-total-count': String(total) },
  }
}

/** POST /admin/users: create a user directly, confirmed or not, with a password, a bcrypt hash or neither. */
const create = async ({ req, pool }: AuthRequest) => {
  const body = await readJson(req, adminUserBody)
  const aud = body.aud || audience
  if (!body.email && !body.phone)
    throw validationFailed('Cannot create a user without either an email or phone')
  const email = body.email ? normalizeEmail(body.email) : null
  const phone = body.phone ? normalizePhone(body.phone) : null
  if (email && await emailTaken(pool, email, aud))
    throw duplicateEmail()
  if (phone && await phoneTaken(pool, phone, aud))
    throw duplicatePhone()
  if (body.password && body.password_hash)
    throw validationFailed('Only a password or a password hash should be provided')
  if (body.password_hash && !isBcryptHash(body.password_hash))
    throw validationFailed('Invalid password hash: only bcrypt hashes are supported')
  if (body.password && Buffer.byteLength(body.password) > 72)
    throw validationFailed('bcrypt: password length exceeds 72 bytes')
  if (body.id !== undefined && (!isUuid(body.id) || /^[0-]+$/.test(body.id)))
    throw validationFailed('ID must conform to the uuid v4 format')
  const banned = body.ban_duration ? bannedUntil(body.ban_duration) : undefined

  // Without a password GoTrue stores a random one, so the account exists but cannot sign in by password yet.
  const encryptedPassword = body.password_hash ?? await hashPassword(body.password || randomBytes(48).toString('base64url'))
  const providers = [...(email ? ['email'] : []), ...(phone ? ['phone'] : [])]
  const userId = await inTransaction(pool, async (db) => {
    const id = await insertUser(db, {
      id: body.id, aud, role: body.role || defaultRole, email, phone, encryptedPassword,
      appMetadata: mergeMetadata({ provider: providers[0], providers }, body.app_metadata ?? {}),
      userMetadata: body.user_metadata ?? {},
    })
    if (email)
      await insertIdentity(db, id, 'email', { sub: id, email, email_verified: false, phone_verified: false })
    if (phone)
      await insertIdentity(db, id, 'phone', { sub: id, phone, email_verified: false, phone_verified: false })
    const columns: Partial<Record<UserColumn, unknown>> = {}
    if (body.email_confirm) {
      columns.email_confirmed_at = sqlNow
      columns.raw_user_meta_data = mergeMetadata(body.user_metadata ?? {}, { email_verified: true })
    }
    if (body.phone_confirm)
      columns.phone_confirmed_at = sqlNow
    if (banned !== undefined)
      columns.banned_until = banned
    await updateUser(db, id, columns)
    return id
  })
  const user = await loadUser(pool, userId)
  return { status: 200, body: user && userJson(user) }
}

/** The changes of an admin update, in GoTrue's order: role, confirmations, password, email, phone, metadata, ban. */
async function applyAdminUpdate(db: Queryable, user: UserRecord, body: AdminUserBody, secrets: { passwordHash?: string }) {
  const columns: Partial<Record<UserColumn, unknown>> = {}
  let userMetadata = user.raw_user_meta_data ?? {}
  if (body.role)
    columns.role = body.role.trim()
  if (body.email_confirm) {
    columns.email_confirmed_at = sqlNow
    userMetadata = mergeMetadata(userMetadata, { email_verified: true })
  }
  if (body.phone_confirm)
    columns.phone_confirmed_at = sqlNow
  if (secrets.passwordHash) {
    columns.encrypted_password = secrets.passwordHash
    // A password set by an admin signs the user out everywhere.
    await db.query('delete from auth.sessions where user_id = $1', [user.id])
  }
  if (body.email) {
    const email = body.email
    const verified = body.email_confirm ?? false
    if (!await updateIdentityData(db, user.id, 'email', { email, email_verified: verified }))
      await insertIdentity(db, user.id, 'email', { sub: user.id, email, email_verified: verified, phone_verified: false })
    columns.email = email
    if (user.is_anonymous && body.email_confirm)
      columns.is_anonymous = false
  }
  if (body.phone) {
    const phone = body.phone
    const verified = body.phone_confirm ?? false
    if (!await updateIdentityData(db, user.id, 'phone', { phone, phone_verified: verified }))
      await insertIdentity(db, user.id, 'phone', { sub: user.id, phone, email_verified: false, phone_verified: verified })
    columns.phone = phone
  }
  if (body.app_metadata)
    columns.raw_app_meta_data = mergeMetadata(user.raw_app_meta_data, body.app_metadata)
  if (body.user_metadata)
    userMetadata = mergeMetadata(userMetadata, body.user_metadata)
  if (body.user_metadata || body.email_confirm)
    columns.raw_user_meta_data = userMetadata
  if (body.ban_duration)
    columns.banned_until = bannedUntil(body.ban_duration)
  await updateUser(db, user.id, columns)
}

/** PUT /admin/users/<id> */
const update = async ({ req, pool, settings, params }: AuthRequest) => {
  const user = await targetUser(pool, params.id)
  const body = await readJson(req, adminUserBody)
  if (body.email) {
    body.email = normalizeEmail(body.email)
    if (body.email !== user.email && await emailTaken(pool, body.email, user.aud ?? audience, user.id))
      throw duplicateEmail()
  }
  if (body.phone) {
    body.phone = normalizePhone(body.phone)
    if (body.phone !== user.phone && await phoneTaken(pool, body.phone, user.aud ?? audience, user.id))
      throw duplicatePhone()
  }
  if (body.ban_duration)
    bannedUntil(body.ban_duration)
  let passwordHash: string | undefined
  if (body.password) {
    checkNewPassword(body.password, settings.minimumPasswordLength)
    passwordHash = await hashPassword(body.password)
  }
  await inTransaction(pool, db => applyAdminUpdate(db, user, body, { passwordHash }))
  const updated = await loadUser(pool, user.id)
  return { status: 200, body: updated && userJson(updated) }
}

/** DELETE /admin/users/<id> with an optional `{should_soft_delete}` body. */
const remove = async ({ req, pool, params }: AuthRequest) => {
  const user = await targetUser(pool, params.id)
  const body = await readJson(req, deleteBody, { emptyIsObject: true })
  if (body.should_soft_delete)
    await inTransaction(pool, db => softDeleteUser(db, user.id))
  else
    await deleteUser(pool, user.id)
  return { status: 200, body: {} }
}

const get = async ({ pool, params }: AuthRequest) => ({ status: 200, body: userJson(await targetUser(pool, params.id)) })

/** Every admin endpoint first checks for a service-role (admin) JWT. */
function adminOnly(handler: Handler): Handler {
  return async (request) => {
    await authenticateAdmin(request.pool, request.req)
    return handler(request)
  }
}

export const admin = {
  listUsers: adminOnly(list),
  createUser: adminOnly(create),
  getUser: adminOnly(get),
  updateUser: adminOnly(update),
  deleteUser: adminOnly(remove),
}
