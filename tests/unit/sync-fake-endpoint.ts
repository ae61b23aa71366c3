/**
 * An in-memory stand-in for the server's sync API (POST /api/sync, HEAD/PUT /api/attachments/:sha256),
 * with the same idempotency rules, and switches to misbehave: no network, 5xx, lost responses.
 */
import Dexie from 'dexie';
import type { ApiError, Receipt, Submission, SyncItemResult } from '../../src/shared/schemas.ts';

export interface FakeEndpointOptions {
  /** Answers a field error to refuse a submission. */
  reject?: (submission: Submission) => ApiError | undefined;
}

export function createFakeEndpoint(options: FakeEndpointOptions = {}) {
  const stored = new Map<string, { body: string; receipt: Receipt }>();
  const files = new Map<string, Uint8Array>();
  const calls: { method: string; path: string }[] = [];
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
  };
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
      const receipt: Receipt = { id: submission.id, protocol: `2026-${String(sequence).padStart(6, '0')}`, status: 'received', receivedAt: new Date(0).toISOString() };
      stored.set(submission.id, { body: serialized, receipt });
      results.push({ id: submission.id, outcome: 'accepted', receipt });
    }
    return results;
  }

  async function fetchFn(input: string, init: RequestInit = {}): Promise<Response> {
    if (Dexie.currentTransaction) state.fetchInsideTransaction++;
    const method = init.method ?? 'GET';
    const path = new URL(input, 'http://fake.test').pathname;
    calls.push({ method, path });
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
        files.set(sha, new Uint8Array(await new Response(init.body as ConstructorParameters<typeof Response>[0]).arrayBuffer()));
        return json(201, { sha256: sha });
      }
    }
    if (path === '/api/sync' && method === 'POST') {
      const results = await handleSync(JSON.parse(String(init.body)));
      if (state.loseResponses > 0) {
        state.loseResponses--;
        throw new TypeError('Failed to fetch');
      }
      return json(200, { results });
    }
    return json(404, { error: 'not_found', message: 'Não encontrado.' });
  }

  return { fetch: fetchFn, stored, files, calls, state };
}
