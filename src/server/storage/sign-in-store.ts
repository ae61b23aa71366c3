/**
 * The sign-in throttle's rows (staff_login_throttle per e-mail and address, staff_login_failures per e-mail)
 * and the addresses and devices an account is known by. Every e-mail, address and device token arrives
 * here already hashed; the rules and the numbers are in domain/sign-in-throttle.ts.
 */
import type { Queryable } from './types.ts';

/** Whether the account signed in all the way from this address, and whether this device token is one of its. */
export async function knownAddressAndDevice(db: Queryable, accountId: string, addressHash: string, tokenHash: string): Promise<{ address: boolean; device: boolean }> {
  return (await db.query<{ address: boolean; device: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM staff_known_addresses WHERE account_id = $1 AND address_hash = $2) AS address,
            EXISTS (SELECT 1 FROM staff_known_devices WHERE account_id = $1 AND token_hash = $3) AS device`,
    [accountId, addressHash, tokenHash],
  )).rows[0]!;
}

export interface FailureRule {
  windowSeconds: number;
  freeFailures: number;
  maxDelaySeconds: number;
}

/**
 * Counts one failure of an address for an e-mail in one INSERT … ON CONFLICT … DO UPDATE … RETURNING (never
 * read-then-write, so parallel guesses all count): a new window after the old one ended, and past the free
 * failures a wait doubling per failure up to the longest. Returns when the address may try again (null: now).
 */
export async function countThrottleFailure(db: Queryable, emailHash: string, addressHash: string, now: Date, rule: FailureRule): Promise<Date | null> {
  return (await db.query<{ next_allowed_at: Date | null }>(
    `INSERT INTO staff_login_throttle AS t (email_hash, address_hash, failures, window_start, next_allowed_at)
     VALUES ($1, $2, 1, $3, NULL)
     ON CONFLICT (email_hash, address_hash) DO UPDATE SET
       failures = CASE WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) THEN $3 ELSE t.window_start END,
       next_allowed_at = CASE
         WHEN t.window_start < $3::timestamptz - make_interval(secs => $4) OR t.failures + 1 < $5 THEN NULL
         ELSE $3::timestamptz + make_interval(secs => least(power(2, t.failures + 1 - $5), $6)) END
     RETURNING next_allowed_at`,
    [emailHash, addressHash, now, rule.windowSeconds, rule.freeFailures, rule.maxDelaySeconds],
  )).rows[0]!.next_allowed_at;
}

/** The failures for an e-mail in the window ending now, and from how many addresses. */
export async function recentFailures(db: Queryable, emailHash: string, now: Date, windowSeconds: number): Promise<{ failures: number; addresses: number }> {
  return (await db.query<{ failures: number; addresses: number }>(
    `SELECT coalesce(sum(failures), 0)::int AS failures, count(*)::int AS addresses FROM staff_login_throttle
     WHERE email_hash = $1 AND window_start >= $2::timestamptz - make_interval(secs => $3)`,
    [emailHash, now, windowSeconds],
  )).rows[0]!;
}

/** Locks the e-mail until `until` unless a lock is still running; true when this call locked it. */
export async function lockEmail(db: Queryable, emailHash: string, failures: number, until: Date, now: Date): Promise<boolean> {
  const locked = await db.query(
    `INSERT INTO staff_login_failures AS f (email_hash, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email_hash) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at
       WHERE f.locked_until IS NULL OR f.locked_until <= $4
     RETURNING email_hash`,
    [emailHash, failures, until, now],
  );
  return locked.rows.length > 0;
}

/** The address's wait for the e-mail and the e-mail's lock, in one read. */
export async function signInGate(db: Queryable, emailHash: string, addressHash: string): Promise<{ next_allowed_at: Date | null; locked_until: Date | null }> {
  return (await db.query<{ next_allowed_at: Date | null; locked_until: Date | null }>(
    `SELECT (SELECT next_allowed_at FROM staff_login_throttle WHERE email_hash = $1 AND address_hash = $2) AS next_allowed_at,
            (SELECT locked_until FROM staff_login_failures WHERE email_hash = $1) AS locked_until`,
    [emailHash, addressHash],
  )).rows[0]!;
}

export async function emailLockedUntil(db: Queryable, emailHash: string): Promise<Date | null> {
  return (await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM staff_login_failures WHERE email_hash = $1', [emailHash])).rows[0]?.locked_until ?? null;
}

/** A right password clears the address's failures for the e-mail. */
export async function clearThrottle(db: Queryable, emailHash: string, addressHash: string): Promise<void> {
  await db.query('DELETE FROM staff_login_throttle WHERE email_hash = $1 AND address_hash = $2', [emailHash, addressHash]);
}

export async function rememberAddress(db: Queryable, accountId: string, addressHash: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO staff_known_addresses (account_id, address_hash, last_at) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, address_hash) DO UPDATE SET last_at = excluded.last_at`,
    [accountId, addressHash, now],
  );
}

/** Marks the device seen now if the token is this account's; false when it is not. */
export async function touchKnownDevice(db: Queryable, accountId: string, tokenHash: string, now: Date): Promise<boolean> {
  const seen = await db.query('UPDATE staff_known_devices SET last_at = $3 WHERE token_hash = $1 AND account_id = $2 RETURNING token_hash', [tokenHash, accountId, now]);
  return seen.rows.length > 0;
}

export async function insertKnownDevice(db: Queryable, accountId: string, tokenHash: string, now: Date): Promise<void> {
  await db.query('INSERT INTO staff_known_devices (token_hash, account_id, created_at, last_at) VALUES ($1, $2, $3, $3)', [tokenHash, accountId, now]);
}
