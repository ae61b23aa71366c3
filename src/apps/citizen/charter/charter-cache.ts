/**
 * Keeps the whole Service Charter on the phone (run in a worker by charter-worker.ts; plain functions so
 * unit tests drive them with fake-indexeddb). A refresh downloads the full body, checks it against
 * the contract and only then replaces the stored version in one transaction: a download cut half-way or
 * a failed write leaves the previous version whole.
 */
import { CharterSchema } from '../../../shared/contract/charter.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import type { CharterDatabase, StoredCharter } from './charter-db.ts';

export const CHARTER_URL = '/api/charter';

export type RefreshOutcome =
  | { status: 'updated'; stored: StoredCharter }
  | { status: 'unchanged'; stored: StoredCharter }
  /** No answer from the network at all: the phone is probably offline. */
  | { status: 'unreachable'; error: string }
  /** The server answered, but nothing usable was stored. */
  | { status: 'failed'; error: string };

/** The one request the cache makes; a subset of RequestInit that both browsers and Node accept. */
export interface CharterRequest {
  headers: Record<string, string>;
  cache: 'no-store';
}

export type FetchLike = (url: string, init: CharterRequest) => Promise<Response>;

export function loadStoredCharter(db: CharterDatabase): Promise<StoredCharter | undefined> {
  return db.charters.get('current');
}

export async function refreshCharter(db: CharterDatabase, fetchCharter: FetchLike, now: () => Date = () => new Date()): Promise<RefreshOutcome> {
  const current = await db.charters.get('current');
  let response: Response;
  try {
    response = await fetchCharter(CHARTER_URL, {
      headers: current?.etag ? { 'If-None-Match': current.etag } : {},
      // A conditional request set by hand makes the browser hand the 304 to us instead of its own cache.
      cache: 'no-store',
    });
  } catch (error) {
    return { status: 'unreachable', error: describe(error) };
  }

  if (response.status === 304) {
    if (!current) return { status: 'failed', error: 'O servidor respondeu 304 sem termos uma cópia.' };
    const checkedAt = now().toISOString();
    await db.charters.update('current', { checkedAt });
    return { status: 'unchanged', stored: { ...current, checkedAt } };
  }
  if (!response.ok) return { status: 'failed', error: `O servidor respondeu ${response.status}.` };

  let text: string;
  let body: unknown;
  try {
    text = await response.text();
    body = JSON.parse(text);
  } catch (error) {
    return { status: 'unreachable', error: `O download foi interrompido: ${describe(error)}` };
  }
  const parsed = parseContract(CharterSchema, body);
  if (!parsed.ok) return { status: 'failed', error: 'A Carta de Serviços recebida está incompleta.' };

  const at = now().toISOString();
  const stored: StoredCharter = {
    slot: 'current',
    charter: parsed.value,
    etag: response.headers.get('ETag') ?? undefined,
    bytes: new TextEncoder().encode(text).byteLength,
    storedAt: at,
    checkedAt: at,
  };
  try {
    // One row: the new version replaces the old in a single write, or the old stays whole.
    await db.charters.put(stored);
  } catch (error) {
    return { status: 'failed', error: `Não foi possível guardar no aparelho: ${describe(error)}` };
  }
  return { status: 'updated', stored };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
