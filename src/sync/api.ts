/**
 * The citizen's one fetch client, for the sync core and the pages that talk to the server about the
 * outbox (status reads, push subscription, the integrity channel's follow-up): JSON out, every answer
 * parsed with a schema of the contract — never cast — so a captive portal's page or a proxy's error never
 * reaches the phone's database. The drainer sends through its own `drain/request.ts` (a timeout that grows
 * with the body, busy answers as retries) and reads statuses through this client.
 */
import type * as v from 'valibot';
import { parseAnswer } from '../shared/contract/parse.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** `status` 0: no answer at all (no signal, the server down, or a request the caller's fetch gave up on). */
export type ApiResult<T> = { ok: true; status: number; value: T } | { ok: false; status: number };

export interface ApiRequest {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** What else the request needs (credentials, referrer policy, cache). */
  init?: RequestInit;
  /** The browser's fetch unless given (tests, the service worker's timeout, the drainer's request). */
  fetch?: FetchLike;
  /** '' in the browser (same origin); the server's URL in tests. */
  baseUrl?: string;
}

/**
 * One request. With a schema, a 2xx counts only when its body parses; with `null`, only the status
 * counts (the body is dropped).
 */
export async function callApi<S extends v.GenericSchema>(path: string, schema: S | null, request: ApiRequest = {}): Promise<ApiResult<v.InferOutput<S>>> {
  const { method = 'GET', body, init = {}, fetch: fetchFn = (input, options) => fetch(input, options), baseUrl = '' } = request;
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}${path}`, {
      ...init,
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, status: 0 };
  }
  if (!response.ok || schema === null) {
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status, value: undefined as v.InferOutput<S> } : { ok: false, status: response.status };
  }
  const value = parseAnswer(schema, await response.json().catch(() => undefined));
  return value === null ? { ok: false, status: response.status } : { ok: true, status: response.status, value };
}
