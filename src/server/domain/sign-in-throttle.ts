/**
 * Sign-in throttling that outsiders cannot turn against staff (issue 15, findings 2 and 3).
 *
 * Failures count per (e-mail hash, client address key), known e-mail or not (the address kept only hashed), in one
 * INSERT … ON CONFLICT … DO UPDATE … RETURNING (never read-then-write, so parallel guesses all count).
 * After FREE_FAILURES in the window that address waits, doubling each time; the account is not locked by it.
 * The owner passes from a known address (one the account signed in from all the way) or a known device
 * (a random cookie from such a sign-in). Only a sustained attack — LOCK_FAILURES from LOCK_ADDRESSES
 * addresses in the window — locks the e-mail, and then only for unknown addresses without a known device;
 * the admins see the lock in "O que mudou nas contas".
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../storage/types.ts';
import { findAccountByEmail, passwordMatches, type AccountRow } from '../storage/accounts.ts';
import { sha256Hex } from './hashing.ts';
import { audit } from './audit.ts';

export const THROTTLE = {
  windowMs: 15 * 60_000,
  /** Wrong passwords an address may send for an e-mail before it has to wait. */
  freeFailures: 5,
  /** The longest wait between two tries of one address. */
  maxDelayMs: 15 * 60_000,
  lockFailures: 50,
  lockAddresses: 10,
  lockMs: 15 * 60_000,
} as const;

export type SignInCheck =
  | { ok: true; account: AccountRow }
  | { ok: false; reason: 'bad_credentials' }
  | { ok: false; reason: 'wait' | 'locked'; seconds: number };

export interface SignInContext {
  /** clientKey() of the caller's address. */
  addressKey: string;
  /** The known-device cookie the browser sent, if any. */
  deviceToken?: string | undefined;
  now?: Date;
}

/** How an address is kept: hashed with whose it is, never in clear. */
const addressHash = (subject: string, addressKey: string) => sha256Hex(`${subject}\n${addressKey}`);

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

async function trust(db: Queryable, account: AccountRow | null, { addressKey, deviceToken }: SignInContext): Promise<{ address: boolean; device: boolean }> {
  if (!account) return { address: false, device: false };
  const found = await db.query<{ address: boolean; device: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM staff_known_addresses WHERE account_id = $1 AND address_hash = $2) AS address,
            EXISTS (SELECT 1 FROM staff_known_devices WHERE account_id = $1 AND token_hash = $3) AS device`,
    [account.id, addressHash(account.id, addressKey), deviceToken ? sha256Hex(deviceToken) : ''],
  );
  return found.rows[0]!;
}

/** Counts one failure of this address for this e-mail and returns the address's wait, if any. */
async function countFailure(db: Queryable, emailHash: string, addressKey: string, now: Date): Promise<Date | null> {
  const row = (await db.query<{ next_allowed_at: Date | null }>(
    `INSERT INTO staff_login_throttle AS t (email_hash, address_hash, failures, window_start, next_allowed_at)
     VALUES ($1, $2, 1, $3, NULL)
     ON CONFLICT (email_hash, address_hash) DO UPDATE SET
       failures = CASE WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) THEN $3 ELSE t.window_start END,
       next_allowed_at = CASE
         WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) OR t.failures + 1 < $5 THEN NULL
         ELSE $3::timestamptz + make_interval(secs => least(power(2, t.failures + 1 - $5), $6)) END
     RETURNING next_allowed_at`,
    [emailHash, addressHash(emailHash, addressKey), now, THROTTLE.windowMs / 1000, THROTTLE.freeFailures, THROTTLE.maxDelayMs / 1000],
  )).rows[0]!;
  return row.next_allowed_at;
}

/** After a failure: whether many addresses are guessing this e-mail; locks it (once) when they are. */
async function lockIfSustained(db: Queryable, emailHash: string, account: AccountRow | null, now: Date): Promise<void> {
  const recent = (await db.query<{ failures: number; addresses: number }>(
    `SELECT coalesce(sum(failures), 0)::int AS failures, count(*)::int AS addresses FROM staff_login_throttle
     WHERE email_hash = $1 AND window_start >= $2::timestamptz - make_interval(secs => $3)`,
    [emailHash, now, THROTTLE.windowMs / 1000],
  )).rows[0]!;
  if (recent.failures < THROTTLE.lockFailures || recent.addresses < THROTTLE.lockAddresses) return;
  const locked = await db.query(
    `INSERT INTO staff_login_failures AS f (email_hash, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email_hash) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at
       WHERE f.locked_until IS NULL OR f.locked_until <= $4
     RETURNING email_hash`,
    [emailHash, recent.failures, new Date(now.getTime() + THROTTLE.lockMs), now],
  );
  // The notice for the admins: once per lock, and only for a real account (an unknown e-mail has nobody to warn).
  if (locked.rows.length && account) await audit(db, { accountId: null, sessionId: null }, 'login_lockout', { target: account.id });
}

/**
 * Checks an e-mail and password from an address. The answer's shape and time are the same for an unknown
 * e-mail, a wrong password and a disabled account (the hash is always verified), so nobody learns which
 * e-mails exist.
 */
export async function checkSignIn(db: Queryable, email: string, password: string, context: SignInContext): Promise<SignInCheck> {
  const now = context.now ?? new Date();
  const emailHash = sha256Hex(email.trim().toLowerCase());
  const account = await findAccountByEmail(db, email);
  const matches = await passwordMatches(account, password);
  const known = await trust(db, account, context);
  if (matches && account && !account.disabled) {
    if (!known.device) {
      const gate = (await db.query<{ next_allowed_at: Date | null; locked_until: Date | null }>(
        `SELECT (SELECT next_allowed_at FROM staff_login_throttle WHERE email_hash = $1 AND address_hash = $2) AS next_allowed_at,
                (SELECT locked_until FROM staff_login_failures WHERE email_hash = $1) AS locked_until`,
        [emailHash, addressHash(emailHash, context.addressKey)],
      )).rows[0]!;
      if (gate.next_allowed_at && gate.next_allowed_at > now) return { ok: false, reason: 'wait', seconds: secondsUntil(gate.next_allowed_at, now) };
      if (!known.address && gate.locked_until && gate.locked_until > now) return { ok: false, reason: 'locked', seconds: secondsUntil(gate.locked_until, now) };
    }
    await db.query('DELETE FROM staff_login_throttle WHERE email_hash = $1 AND address_hash = $2', [emailHash, addressHash(emailHash, context.addressKey)]);
    return { ok: true, account };
  }
  const waitUntil = await countFailure(db, emailHash, context.addressKey, now);
  await lockIfSustained(db, emailHash, account, now);
  if (known.device) return { ok: false, reason: 'bad_credentials' };
  if (waitUntil && waitUntil > now) return { ok: false, reason: 'wait', seconds: secondsUntil(waitUntil, now) };
  if (!known.address) {
    const lock = (await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM staff_login_failures WHERE email_hash = $1', [emailHash])).rows[0];
    if (lock?.locked_until && lock.locked_until > now) return { ok: false, reason: 'locked', seconds: secondsUntil(lock.locked_until, now) };
  }
  return { ok: false, reason: 'bad_credentials' };
}

/**
 * A full sign-in (second factor included) makes its address known to the account, and the browser a known
 * device: returns the new device token when the browser did not already hold one of this account's.
 */
export async function rememberSignIn(db: Queryable, accountId: string, context: SignInContext): Promise<string | null> {
  const now = context.now ?? new Date();
  await db.query(
    `INSERT INTO staff_known_addresses (account_id, address_hash, last_at) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, address_hash) DO UPDATE SET last_at = excluded.last_at`,
    [accountId, addressHash(accountId, context.addressKey), now],
  );
  if (context.deviceToken) {
    const seen = await db.query('UPDATE staff_known_devices SET last_at = $3 WHERE token_hash = $1 AND account_id = $2 RETURNING token_hash', [sha256Hex(context.deviceToken), accountId, now]);
    if (seen.rows.length) return null;
  }
  const deviceToken = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO staff_known_devices (token_hash, account_id, created_at, last_at) VALUES ($1, $2, $3, $3)', [sha256Hex(deviceToken), accountId, now]);
  return deviceToken;
}
