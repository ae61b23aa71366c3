/**
 * Staff accounts, sign-in and sessions. Passwords are hashed with argon2id (OWASP: 19 MiB, 2 passes);
 * sessions are rows (revocable: logout ends one, disabling an account ends all), looked up by the SHA-256
 * of the cookie's random token, with an idle limit of 30 minutes and an absolute one of 12 hours.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { StaffAccount, StaffRole } from '../../shared/contract/staff.ts';
import { sha256Hex } from '../domain/hashing.ts';
import type { Queryable, Storage } from './types.ts';

export const IDLE_LIMIT_MS = 30 * 60_000;
export const ABSOLUTE_LIMIT_MS = 12 * 3600_000;
export const RESET_LINK_MS = 24 * 3600_000;

const token = () => randomBytes(32).toString('base64url');

export interface AccountRow extends StaffAccount {
  passwordHash: string | null;
  totpSecret: string | null;
}

type Row = {
  id: string; email: string; name: string; password_hash: string | null; roles: StaffRole[]; secretariats: string[];
  totp_secret: string | null; totp_enabled: boolean; disabled_at: Date | null;
};

function toAccount(row: Row): AccountRow {
  return {
    id: row.id, email: row.email, name: row.name, roles: row.roles, secretariats: row.secretariats,
    totpEnabled: row.totp_enabled, disabled: row.disabled_at !== null, passwordHash: row.password_hash, totpSecret: row.totp_secret,
  };
}

/** What the API may show of an account: never its hash or its second-factor secret. */
export function publicAccount(account: AccountRow): StaffAccount {
  const { passwordHash: _p, totpSecret: _t, ...shown } = account;
  return shown;
}

const SELECT = 'SELECT id, email, name, password_hash, roles, secretariats, totp_secret, totp_enabled, disabled_at FROM staff_accounts';

export async function findAccountById(db: Queryable, id: string): Promise<AccountRow | null> {
  const result = await db.query<Row>(`${SELECT} WHERE id = $1`, [id]);
  return result.rows[0] ? toAccount(result.rows[0]) : null;
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountRow | null> {
  const result = await db.query<Row>(`${SELECT} WHERE email = $1`, [email.trim().toLowerCase()]);
  return result.rows[0] ? toAccount(result.rows[0]) : null;
}

export async function listAccounts(db: Queryable): Promise<AccountRow[]> {
  return (await db.query<Row>(`${SELECT} ORDER BY name`)).rows.map(toAccount);
}

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

/** A hash of nothing, checked when the e-mail has no account: the answer takes as long either way. */
let dummyHash: Promise<string> | undefined;

/** Whether the password is the account's; an account without one (or none at all) costs the same hash. */
export async function passwordMatches(account: AccountRow | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const hashToCheck = account?.passwordHash ?? await dummyHash;
  const matches = await argon2Verify(hashToCheck, password).catch(() => false);
  return matches && Boolean(account?.passwordHash);
}

export async function createAccount(
  db: Queryable,
  input: { email: string; name: string; roles: readonly StaffRole[]; secretariats: readonly string[]; password?: string },
): Promise<AccountRow> {
  const id = randomUUID();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  await db.query(
    'INSERT INTO staff_accounts (id, email, name, password_hash, roles, secretariats) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, input.email.trim().toLowerCase(), input.name.trim(), passwordHash, [...input.roles], [...input.secretariats]],
  );
  return (await findAccountById(db, id))!;
}

/** Changes an account; `then` runs in the same transaction (its audit entry commits with the change or not at all). */
export async function updateAccount(
  storage: Storage, id: string, change: { name?: string; roles?: readonly StaffRole[]; secretariats?: readonly string[]; disabled?: boolean },
  then?: (tx: Queryable, account: AccountRow) => Promise<void>,
): Promise<AccountRow | null> {
  return storage.transaction(async (tx) => {
    const current = await findAccountById(tx, id);
    if (!current) return null;
    await tx.query(
      `UPDATE staff_accounts SET name = $2, roles = $3, secretariats = $4,
         disabled_at = CASE WHEN $5::boolean THEN coalesce(disabled_at, now()) ELSE NULL END
       WHERE id = $1`,
      [id, change.name ?? current.name, [...(change.roles ?? current.roles)], [...(change.secretariats ?? current.secretariats)], change.disabled ?? current.disabled],
    );
    // Disabling, or any change of what the account may do, ends its sessions: the next request signs in again.
    if (change.disabled || change.roles || change.secretariats) await endSessionsOf(tx, id);
    const changed = (await findAccountById(tx, id))!;
    await then?.(tx, changed);
    return changed;
  });
}

export async function setPassword(db: Queryable, id: string, password: string): Promise<void> {
  await db.query('UPDATE staff_accounts SET password_hash = $2 WHERE id = $1', [id, await hashPassword(password)]);
  await endSessionsOf(db, id);
}

export async function setTotpSecret(db: Queryable, id: string, secret: string | null, enabled: boolean): Promise<void> {
  await db.query('UPDATE staff_accounts SET totp_secret = $2, totp_enabled = $3 WHERE id = $1', [id, secret, enabled]);
}

/**
 * Takes a TOTP time step as used: true only if it is later than the last one accepted for the account.
 * One conditional UPDATE, so two sessions racing with the same code cannot both win.
 */
export async function useTotpStep(db: Queryable, id: string, step: number): Promise<boolean> {
  return (await db.query('UPDATE staff_accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 RETURNING id', [id, step])).rows.length === 1;
}

/** Counts a wrong code (or a wrong password at enrolment) against the session; returns how many so far. */
export async function countSecondFactorFailure(db: Queryable, sessionId: string): Promise<number> {
  const row = (await db.query<{ totp_failures: number }>('UPDATE staff_sessions SET totp_failures = totp_failures + 1 WHERE id = $1 RETURNING totp_failures', [sessionId])).rows[0];
  return row?.totp_failures ?? Number.MAX_SAFE_INTEGER;
}

/** An admin's reset of a colleague's second factor: the secret goes, every session ends, the next sign-in enrols again. */
/**
 * Clears a second factor: the colleague signs in with their own password and enrols again. Password links
 * still open are cancelled, so a link made earlier by someone else never meets a cleared second factor.
 */
export async function resetSecondFactor(db: Queryable, id: string, now = new Date()): Promise<void> {
  await db.query('UPDATE staff_accounts SET totp_secret = NULL, totp_enabled = false WHERE id = $1', [id]);
  await db.query('UPDATE staff_password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL', [id, now]);
  await endSessionsOf(db, id);
}

// ---------------------------------------------------------------- sessions

export interface Session {
  id: string;
  accountId: string;
  csrfToken: string;
  secondFactor: boolean;
  expiresAt: Date;
}

/** A new session (a new id at every sign-in); returns the cookie's token, which is stored only hashed. */
export async function createSession(db: Queryable, accountId: string, secondFactor: boolean, now = new Date()): Promise<{ token: string; session: Session }> {
  const secret = token();
  const session: Session = { id: sha256Hex(secret), accountId, csrfToken: token(), secondFactor, expiresAt: new Date(now.getTime() + ABSOLUTE_LIMIT_MS) };
  await db.query(
    `INSERT INTO staff_sessions (id, account_id, csrf_token, second_factor, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [session.id, accountId, session.csrfToken, secondFactor, now, session.expiresAt],
  );
  return { token: secret, session };
}

/** The live session of a cookie token (touching its idle clock), or null: ended, idle too long, expired, or its account disabled. */
/**
 * The session behind a cookie and its account, in one statement: a live session is touched (idle clock
 * reset), an expired or idle one is ended, and the row comes back only for a live session. Every staff
 * request runs this once, so it is one round trip, not a read, an account read and a write.
 */
const READ_SESSION = `
  WITH found AS (
    SELECT id, account_id, csrf_token, second_factor, expires_at, (expires_at > $2 AND last_seen_at >= $3) AS live
    FROM staff_sessions WHERE id = $1 AND ended_at IS NULL
  ), ended AS (
    UPDATE staff_sessions s SET ended_at = $2 FROM found f WHERE s.id = f.id AND NOT f.live RETURNING s.id
  ), touched AS (
    UPDATE staff_sessions s SET last_seen_at = $2 FROM found f, staff_accounts a
    WHERE s.id = f.id AND f.live AND a.id = f.account_id AND a.disabled_at IS NULL RETURNING s.id
  )
  SELECT a.id, a.email, a.name, a.password_hash, a.roles, a.secretariats, a.totp_secret, a.totp_enabled, a.disabled_at,
         f.csrf_token, f.second_factor, f.expires_at
  FROM found f JOIN staff_accounts a ON a.id = f.account_id WHERE f.live`;

export async function readSession(db: Queryable, cookieToken: string, now = new Date()): Promise<{ session: Session; account: AccountRow } | null> {
  const id = sha256Hex(cookieToken);
  const found = await db.query<Row & { csrf_token: string; second_factor: boolean; expires_at: Date }>(READ_SESSION, [id, now, new Date(now.getTime() - IDLE_LIMIT_MS)]);
  const row = found.rows[0];
  if (!row) return null;
  const account = toAccount(row);
  if (account.disabled) return null;
  return { session: { id, accountId: account.id, csrfToken: row.csrf_token, secondFactor: row.second_factor, expiresAt: row.expires_at }, account };
}

export async function markSecondFactor(db: Queryable, sessionId: string): Promise<void> {
  await db.query('UPDATE staff_sessions SET second_factor = true WHERE id = $1', [sessionId]);
}

export async function endSession(db: Queryable, sessionId: string, now = new Date()): Promise<void> {
  await db.query('UPDATE staff_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [sessionId, now]);
}

export async function endSessionsOf(db: Queryable, accountId: string, now = new Date()): Promise<void> {
  await db.query('UPDATE staff_sessions SET ended_at = $2 WHERE account_id = $1 AND ended_at IS NULL', [accountId, now]);
}

export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---------------------------------------------------------------- password reset links

/**
 * A one-time link for the account, made by an admin and shown once (no e-mail server needed). It cancels
 * the account's older unused links: only the newest one handed out can set the password.
 */
export async function createResetToken(db: Queryable, accountId: string, createdBy: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const secret = token();
  const expiresAt = new Date(now.getTime() + RESET_LINK_MS);
  await db.query('UPDATE staff_password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL', [accountId, now]);
  await db.query('INSERT INTO staff_password_resets (token_hash, account_id, created_by, expires_at) VALUES ($1, $2, $3, $4)', [sha256Hex(secret), accountId, createdBy, expiresAt]);
  return { token: secret, expiresAt };
}

/** Uses a reset link once: sets the password, ends every session of the account. */
/** `alsoInTransaction` (the audit entry) commits with the new password or not at all. */
export async function useResetToken(
  storage: Storage, secret: string, password: string, alsoInTransaction?: (tx: Queryable, accountId: string) => Promise<void>, now = new Date(),
): Promise<string | null> {
  const passwordHash = await hashPassword(password);
  return storage.transaction(async (tx) => {
    const found = await tx.query<{ account_id: string }>(
      'UPDATE staff_password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING account_id',
      [sha256Hex(secret), now],
    );
    const accountId = found.rows[0]?.account_id;
    if (!accountId) return null;
    await tx.query('UPDATE staff_accounts SET password_hash = $2 WHERE id = $1', [accountId, passwordHash]);
    await endSessionsOf(tx, accountId, now);
    await alsoInTransaction?.(tx, accountId);
    return accountId;
  });
}
