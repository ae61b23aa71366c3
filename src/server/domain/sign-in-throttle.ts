/**
 * Sign-in throttling that outsiders cannot turn against staff (issue 15, findings 2 and 3).
 *
 * Failures count per (e-mail hash, client address key), known e-mail or not (the address kept only hashed), in one
 * one upsert (storage/sign-in-store.ts), so parallel guesses all count.
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
import {
  clearThrottle, countThrottleFailure, emailLockedUntil, insertKnownDevice, knownAddressAndDevice, lockEmail, recentFailures,
  rememberAddress, signInGate, touchKnownDevice,
} from '../storage/sign-in-store.ts';

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
  return knownAddressAndDevice(db, account.id, addressHash(account.id, addressKey), deviceToken ? sha256Hex(deviceToken) : '');
}

/** Counts one failure of this address for this e-mail and returns the address's wait, if any. */
async function countFailure(db: Queryable, emailHash: string, addressKey: string, now: Date): Promise<Date | null> {
  return countThrottleFailure(db, emailHash, addressHash(emailHash, addressKey), now, {
    windowSeconds: THROTTLE.windowMs / 1000, freeFailures: THROTTLE.freeFailures, maxDelaySeconds: THROTTLE.maxDelayMs / 1000,
  });
}

/** After a failure: whether many addresses are guessing this e-mail; locks it (once) when they are. */
async function lockIfSustained(db: Queryable, emailHash: string, account: AccountRow | null, now: Date): Promise<void> {
  const recent = await recentFailures(db, emailHash, now, THROTTLE.windowMs / 1000);
  if (recent.failures < THROTTLE.lockFailures || recent.addresses < THROTTLE.lockAddresses) return;
  const locked = await lockEmail(db, emailHash, recent.failures, new Date(now.getTime() + THROTTLE.lockMs), now);
  // The notice for the admins: once per lock, and only for a real account (an unknown e-mail has nobody to warn).
  if (locked && account) await audit(db, { accountId: null, sessionId: null }, 'login_lockout', { target: account.id });
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
      const gate = await signInGate(db, emailHash, addressHash(emailHash, context.addressKey));
      if (gate.next_allowed_at && gate.next_allowed_at > now) return { ok: false, reason: 'wait', seconds: secondsUntil(gate.next_allowed_at, now) };
      if (!known.address && gate.locked_until && gate.locked_until > now) return { ok: false, reason: 'locked', seconds: secondsUntil(gate.locked_until, now) };
    }
    await clearThrottle(db, emailHash, addressHash(emailHash, context.addressKey));
    return { ok: true, account };
  }
  const waitUntil = await countFailure(db, emailHash, context.addressKey, now);
  await lockIfSustained(db, emailHash, account, now);
  if (known.device) return { ok: false, reason: 'bad_credentials' };
  if (waitUntil && waitUntil > now) return { ok: false, reason: 'wait', seconds: secondsUntil(waitUntil, now) };
  if (!known.address) {
    const lockedUntil = await emailLockedUntil(db, emailHash);
    if (lockedUntil && lockedUntil > now) return { ok: false, reason: 'locked', seconds: secondsUntil(lockedUntil, now) };
  }
  return { ok: false, reason: 'bad_credentials' };
}

/**
 * A full sign-in (second factor included) makes its address known to the account, and the browser a known
 * device: returns the new device token when the browser did not already hold one of this account's.
 */
export async function rememberSignIn(db: Queryable, accountId: string, context: SignInContext): Promise<string | null> {
  const now = context.now ?? new Date();
  await rememberAddress(db, accountId, addressHash(accountId, context.addressKey), now);
  if (context.deviceToken && (await touchKnownDevice(db, accountId, sha256Hex(context.deviceToken), now))) return null;
  const deviceToken = randomBytes(32).toString('base64url');
  await insertKnownDevice(db, accountId, sha256Hex(deviceToken), now);
  return deviceToken;
}
