/**
 * Many wrong secrets in a short time (integrity receipts, follow-up codes), from anyone, raise one alarm in
 * the audit log, with no address: nothing of the guesser is stored. One counter per kind of secret, kept in
 * memory: a restart forgets it, which costs the guesser nothing they could use (each guess still pays the
 * slow hash and the per-address limit).
 */
import type { Storage } from '../storage/types.ts';
import { audit } from './audit.ts';

/** Wrong secrets, from anyone, in this window, that make an alarm. */
export const GUESS_ALARM = { failures: 20, windowMs: 10 * 60_000 };

/** Returns the function to call on each wrong guess. */
export function guessAlarm(storage: Storage, action: string, describe: (failures: number) => string): () => Promise<void> {
  let failures: number[] = [];
  let alarmedAt = 0;
  return async () => {
    const now = Date.now();
    failures = [...failures.filter((at) => now - at < GUESS_ALARM.windowMs), now];
    if (failures.length >= GUESS_ALARM.failures && now - alarmedAt > GUESS_ALARM.windowMs) {
      alarmedAt = now;
      await audit(storage, { accountId: null, sessionId: null }, action, { target: describe(failures.length) });
    }
  };
}
