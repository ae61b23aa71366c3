/**
 * Every request of the back office goes through here: same-origin credentials (the session cookie), the
 * session's CSRF token on every state-changing method, and every answer parsed with a schema of the wire
 * contract (src/shared/staff.ts) — never cast. A failure becomes an ApiFailure with words for a person.
 */
import type * as v from 'valibot';
import { ApiErrorSchema, type ApiError } from '../../shared/contract/errors.ts';
import { parseAnswer } from '../../shared/contract/parse.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiFailure extends Error {
  /** 0: the server did not answer (no network, or it is down). */
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  /** Seconds the server asked to wait (its Retry-After), 0 when it did not say. */
  readonly retryAfter: number;

  constructor(status: number, error: ApiError, retryAfter = 0) {
    super(error.message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = error.error;
    this.fields = error.fields ?? {};
    this.retryAfter = retryAfter;
  }
}

let csrfToken = '';
let unauthenticated: ((code: string) => void) | undefined;

/** The session's CSRF token (from its answer), sent with every POST, PUT, PATCH and DELETE. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Told when the server answers 401 to a page's request: the session ended or the second factor is due. */
export function onUnauthenticated(listener: (code: string) => void): void {
  unauthenticated = listener;
}

const OFFLINE: ApiError = { error: 'network', message: 'O servidor não respondeu. Confira a conexão e tente de novo.' };
const UNEXPECTED: ApiError = { error: 'unexpected_answer', message: 'O servidor deu uma resposta inesperada. Recarregue a página e tente de novo.' };

export interface RequestOptions {
  method?: string;
  /** An object (sent as JSON) or text that already is JSON (the charter file). */
  body?: unknown;
  /** Do not report a 401 to the session (the sign-in and session routes answer 401 as part of their work). */
  quiet401?: boolean;
  /** Default no-store: answers with personal data stay out of the browser's cache. */
  cache?: RequestCache;
}

async function send(path: string, { method = 'GET', body, quiet401 = false, cache = 'no-store' }: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (WRITES.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, OFFLINE);
  }
  if (response.ok) return response;
  let error: ApiError = { error: `http_${response.status}`, message: `O servidor recusou o pedido (erro ${response.status}).` };
  try {
    error = parseAnswer(ApiErrorSchema, await response.json()) ?? error;
  } catch {
    // Not JSON (a proxy's page): keep the generic words.
  }
  if (response.status === 401 && !quiet401) unauthenticated?.(error.error);
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiFailure(response.status, error, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 0);
}

/** Sends a request and parses its JSON answer with the schema. */
export async function api<S extends v.GenericSchema>(schema: S, path: string, options: RequestOptions = {}): Promise<v.InferOutput<S>> {
  const response = await send(path, options);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiFailure(response.status, UNEXPECTED);
  }
  const parsed = parseAnswer(schema, json);
  if (parsed === null) throw new ApiFailure(response.status, UNEXPECTED);
  return parsed;
}

/** A request whose answer has no body (204). */
export async function apiNoContent(path: string, options: RequestOptions = {}): Promise<void> {
  const response = await send(path, options);
  await response.body?.cancel().catch(() => undefined);
}

/** Words for any failure: the server's message, or a generic one for a bug in the page. */
export function failureWords(error: unknown): string {
  return error instanceof ApiFailure ? error.message : 'Algo deu errado nesta página. Recarregue e tente de novo.';
}

/** A query string from a filter, without empty values. */
export function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
