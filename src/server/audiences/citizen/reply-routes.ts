/**
 * POST /api/replies: the citizen's answers to the city's questions, from the phone's outbox. Idempotent on
 * the client-made id (a retry gets the same answer); a reply to a request waiting for the citizen resumes
 * it (status "in_progress", the deadline's clock runs again).
 */
import type { FastifyInstance } from 'fastify';
import { RepliesRequestSchema, ReplySchema } from '../../../shared/contract/submissions.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { type SyncItemResult } from '../../../shared/contract/sync.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { canonicalJson, sha256Hex } from '../../domain/hashing.ts';
import { insertReply, repliedRequest, storedReplyHash } from '../../storage/reply-store.ts';
import { setSubmissionStatus } from '../../storage/submission-store.ts';
import type { Storage } from '../../storage/types.ts';
import { requireBody } from './submission-routes.ts';

async function acceptReply(storage: Storage, input: unknown, now: Date, onResumed: (id: string) => Promise<void>): Promise<SyncItemResult> {
  const parsed = parseContract(ReplySchema, input);
  const rawId = typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? (input as { id: string }).id : null;
  if (!parsed.ok) return { id: rawId, outcome: 'rejected', error: apiError('invalid_reply', 'A resposta está em um formato que o servidor não aceita.', parsed.fields) };
  const reply = parsed.value;
  const bodyHash = sha256Hex(canonicalJson(reply));
  const receiptOf = async () => {
    const parent = (await repliedRequest(storage, reply.submissionId))!;
    return { id: reply.id, protocol: parent.protocol, status: parent.status, receivedAt: now.toISOString() };
  };
  const existingHash = await storedReplyHash(storage, reply.id);
  if (existingHash !== null) {
    return existingHash === bodyHash
      ? { id: reply.id, outcome: 'duplicate', receipt: await receiptOf() }
      : { id: reply.id, outcome: 'conflict', error: apiError('conflict', 'Já existe uma resposta com este identificador e conteúdo diferente.') };
  }
  const parent = await repliedRequest(storage, reply.submissionId);
  if (!parent) return { id: reply.id, outcome: 'rejected', error: apiError('unknown_submission', 'Não encontramos o pedido desta resposta.', { submissionId: 'Pedido não encontrado.' }) };
  const inserted = await insertReply(storage, { id: reply.id, submissionId: reply.submissionId, bodyHash, text: reply.text, createdAt: new Date(reply.createdAt), receivedAt: now });
  if (inserted && parent.status === 'waiting_citizen') {
    await setSubmissionStatus(storage, reply.submissionId, 'in_progress', undefined, now);
    await onResumed(reply.submissionId);
  }
  return { id: reply.id, outcome: inserted ? 'accepted' : 'duplicate', receipt: await receiptOf() };
}

export function replyRoutes(app: FastifyInstance, { storage, onResumed }: { storage: Storage; onResumed: (id: string) => Promise<void> }): void {
  app.post('/replies', { bodyLimit: 256 * 1024 }, async (request) => {
    requireBody(request.body);
    const parsed = parseContract(RepliesRequestSchema, request.body);
    if (!parsed.ok) throw new HttpError(422, apiError('invalid_batch', 'O lote está em um formato que o servidor não aceita.', parsed.fields));
    const now = new Date();
    const results: SyncItemResult[] = [];
    for (const item of parsed.value.replies) results.push(await acceptReply(storage, item, now, onResumed));
    return { results };
  });
}
