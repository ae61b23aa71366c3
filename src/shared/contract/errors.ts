/** The API's error answer, and valibot's issues turned into its capped per-field messages. */
import * as v from 'valibot';

export const ApiErrorSchema = v.object({
  error: v.string(),
  message: v.string(),
  fields: v.optional(v.record(v.string(), v.string())),
});
/** Every error the API answers: a code for programs, a pt-BR message for people. */
export interface ApiError {
  error: string;
  message: string;
  /** Per answer field (validation), or per JSON path (malformed body). */
  fields?: Record<string, string>;
}

/** At most this many field messages in one error: a hostile body cannot make the answer huge. */
export const MAX_FIELD_ERRORS = 20;
/** The key under which a capped error says how many messages were left out. */
export const MORE_ERRORS_KEY = '(mais)';

function setField(fields: Record<string, string>, path: string, message: string): void {
  // defineProperty: a path such as "constructor" or "__proto__" is reported like any other.
  Object.defineProperty(fields, path, { value: message, enumerable: true, writable: true, configurable: true });
}

function moreErrorsMessage(count: number): string {
  return `… e mais ${count.toLocaleString('pt-BR')} erro(s).`;
}

/** How many messages an already capped list says it left out. */
function omittedCount(fields: Record<string, string>): number {
  const more = Object.hasOwn(fields, MORE_ERRORS_KEY) ? fields[MORE_ERRORS_KEY]! : '';
  return Number(/\d[\d.]*/.exec(more)?.[0].replace(/\./g, '') ?? 0);
}

/** Keeps the first `max` messages and says how many more there were ("… e mais 6.980 erro(s)."). */
export function capFieldErrors(fields: Record<string, string>, max = MAX_FIELD_ERRORS): Record<string, string> {
  const keys = Object.keys(fields).filter((key) => key !== MORE_ERRORS_KEY);
  const omitted = omittedCount(fields) + Math.max(0, keys.length - max);
  const kept: Record<string, string> = {};
  for (const key of keys.slice(0, max)) setField(kept, key, fields[key]!);
  if (omitted) setField(kept, MORE_ERRORS_KEY, moreErrorsMessage(omitted));
  return kept;
}

/** Turns valibot issues into { "a.b.0": "message" } for an ApiError, capped at MAX_FIELD_ERRORS. */
export function issuesToFields(issues: readonly v.BaseIssue<unknown>[], max = MAX_FIELD_ERRORS): Record<string, string> {
  const fields: Record<string, string> = {};
  let count = 0;
  let extra = 0;
  for (const issue of issues) {
    const path = issue.path?.map((p) => String(p.key)).join('.') || '(raiz)';
    if (Object.hasOwn(fields, path)) continue;
    if (count >= max) {
      extra++;
      continue;
    }
    setField(fields, path, issue.message);
    count++;
  }
  if (extra) setField(fields, MORE_ERRORS_KEY, moreErrorsMessage(extra));
  return fields;
}
