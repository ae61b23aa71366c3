/** The phone makes a request's follow-up code (shared/contract/request-follow-up.ts) when it queues the record. */
import { FOLLOW_UP_ALPHABET, FOLLOW_UP_CODE_LENGTH } from '../../shared/contract/request-follow-up.ts';

/** 8 symbols of 32: 40 bits from the platform's CSPRNG (32 divides 256, so masking a byte keeps it uniform). */
export function makeFollowUpCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(FOLLOW_UP_CODE_LENGTH));
  return Array.from(bytes, (byte) => FOLLOW_UP_ALPHABET[byte & 31]).join('');
}
