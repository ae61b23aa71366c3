/**
 * An in-memory stand-in for the server's sync API (POST /api/sync, HEAD/PUT /api/attachments/:address,
 * POST /api/submissions/status, GET /api/health), with the same idempotency rules and the salted file addresses, and switches
 * to misbehave: no network, 5xx, lost responses, a record that makes every batch holding it fail, a record
 * the server forgets after acknowledging it.
 */
import Dexie from 'dexie';
import type { ApiError } from '../../src/shared/contract/errors.ts';
import type { ProtocolReceipt, SubmissionStatusResponse } from '../../src/shared/contract/status.ts';
import type { Submission } from '../../src/shared/contract/submissions.ts';
import type { SyncItemResult } from '../../src/shared/contract/sync.ts';
import { attachmentAddress } from '../../src/sync/outbox/file-address.ts';

export interface FakeEndpointOptions {
  /** Answers a field error to refuse a submission. */
  reject?: (submission: Submission) => ApiError | undefined;
}

export function createFakeEndpoint(options: FakeEndpointOptions = {}) {
  const stored = new Map<string, { body: string; receipt: ProtocolReceipt }>();
  const files = new Map<string, Uint8Array>();
  const calls: { method: string; path: string; at: number; ids?: string[] }[] = [];
  const state = {
    offline: false,
    /** Answer this many requests with 500. */
    failures: 0,
    failureStatus: 500,
    retryAfterSeconds: undefined as number | undefined,
    /** Process this many POSTs, then throw as if the connection was cut. */
    loseResponses: 0,
    /** HEAD says every file is there (it was lost after the check). */
    headAlwaysFound: false,
    fetchInsideTransaction: 0,
    /** Any POST /api/sync holding one of these ids answers 500 (a record the server chokes on). */
    poison: new Set<string>(),
    /** These ids answer retry_later (the database refused this one item). */
    retryLater: new Set<string>(),
    /** Milliseconds each PUT takes (to see what goes on in parallel). */
    putDelayMs: 0,
    /** What GET /api/health says. */
    health: 'ok' as 'ok' | 'degraded',
  };
  /** Uploads that came without a salt, or whose bytes did not match the salted address. */
  const badUploads: string[] = [];
  let sequence = 0;

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  async function handleSync(body: { submissions: Submission[] }): Promise<SyncItemResult[]> {
    const results: SyncItemResult[] = [];
    for (const submission of body.submissions) {
      const serialized = JSON.stringify(submission);
      const previous = stored.get(submission.id);
      if (previous) {
        results.push(previous.body === serialized
          ? { id: submission.id, outcome: 'duplicate', receipt: previous.receipt }
          : { id: submission.id, outcome: 'conflict', error: { error: 'conflict', message: 'Outro conteúdo.' } });
        continue;
      }
      if (state.retryLater.has(submission.id)) {
        results.push({ id: submission.id, outcome: 'retry_later', error: { error: 'retry_later', message: 'Depois.' } });
        continue;
      }
      const error = options.reject?.(submission);
      if (error) {
        results.push({ id: submission.id, outcome: 'rejected', error });
        continue;
      }
      if (submission.attachments.some((a) => !files.has(a.sha256))) {
        results.push({ id: submission.id, outcome: 'missing_attachments', error: { error: 'missing_attachments', message: 'Falta foto.' } });
        continue;
      }
      sequence++;
      const receipt: ProtocolReceipt = { id: submission.id, protocol: `2026-${String(sequence).padStart(6, '0')}`, status: 'received', receivedAt: new Date(0).toISOString() };
      stored.set(submission.id, { body: serialized, receipt });
      results.push({ id: submission.id, outcome: 'accepted', receipt });
    }
    return results;
  }

  async function fetchFn(input: string, init: RequestInit = {}): Promise<Response> {
    if (Dexie.currentTransaction) state.fetchInsideTransaction++;
    const method = init.method ?? 'GET';
    const path = new URL(input, 'http://fake.test').pathname;
    const call: (typeof calls)[number] = { method, path, at: Date.now() };
    calls.push(call);
    if (state.offline) throw new TypeError('Failed to fetch');
    if (state.failures > 0) {
      state.failures--;
      const headers: Record<string, string> = state.retryAfterSeconds ? { 'retry-after': String(state.retryAfterSeconds) } : {};
      return new Response('{"error":"internal","message":"Erro."}', { status: state.failureStatus, headers });
    }
    const attachment = /^\/api\/attachments\/([a-f0-9]{64})$/.exec(path);
    if (attachment) {
      const sha = attachment[1]!;
      if (method === 'HEAD') return new Response(null, { status: files.has(sha) || state.headAlwaysFound ? 200 : 404 });
      if (method === 'PUT') {
        const bytes = new Uint8Array(await new Response(init.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
        const salt = new Headers(init.headers).get('x-attachment-salt');
        if (!salt || (await attachmentAddress(salt, bytes.buffer as ArrayBuffer)) !== sha) {
          badUploads.push(sha);
          return json(salt ? 422 : 400, { error: salt ? 'hash_mismatch' : 'salt_required', message: 'Arquivo recusado.' });
        }
        if (state.putDelayMs) await new Promise((resolve) => setTimeout(resolve, state.putDelayMs));
        files.set(sha, bytes);
        return json(201, { sha256: sha });
      }
    }
    if (path === '/api/submissions/status' && method === 'POST') {
      const { ids } = JSON.parse(String(init.body)) as { ids: string[] };
      const found: SubmissionStatusResponse[] = [];
      for (const id of ids) {
        const entry = stored.get(id);
        if (entry) found.push({ ...entry.receipt, kind: 'request', serviceId: 'tapa-buraco', history: [{ status: entry.receipt.status, at: entry.receipt.receivedAt }] });
      }
      return json(200, { found, missing: ids.filter((id) => !stored.has(id)) });
    }
    if (path === '/api/health' && method === 'GET') return json(200, { status: state.health, database: 'pglite', charterVersion: null });
    if (path === '/api/sync' && method === 'POST') {
      const batch = JSON.parse(String(init.body)) as { submissions: Submission[] };
      call.ids = batch.submissions.map((s) => s.id);
      if (batch.submissions.some((s) => state.poison.has(s.id))) return json(500, { error: 'internal_error', message: 'Erro.' });
      const results = await handleSync(batch);
      if (state.loseResponses > 0) {
        state.loseResponses--;
        throw new TypeError('Failed to fetch');
      }
      return json(200, { results });
    }
    return json(404, { error: 'not_found', message: 'Não encontrado.' });
  }

  return { fetch: fetchFn, stored, files, calls, state, badUploads };
}
