/**
 * The person's answer to a question from the city ("Aguardando a sua resposta"). It is an outbox record like
 * a submission (same states, same retries, same exactly-once by its own id), marked with `replyTo`, and
 * goes up through POST /api/replies. Its text leaves the phone as soon as the server acknowledges it.
 */
import type { Reply } from '../../shared/contract/submissions.ts';
import type { OutboxDb, OutboxRecord } from './db.ts';
import { recordByteSize } from './enqueue.ts';
import { guardQuota } from './storage-errors.ts';

export const REPLY_FORM_ID = 'resposta';

export async function enqueueReply(db: OutboxDb, input: { id: string; request: OutboxRecord; text: string }, now: () => number = Date.now): Promise<OutboxRecord> {
  return guardQuota(() => db.transaction('rw', db.records, async () => {
    const existing = await db.records.get(input.id);
    if (existing) return existing;
    const answers = { resposta: input.text.trim() };
    const record: OutboxRecord = {
      id: input.id,
      state: 'queued',
      kind: input.request.kind,
      serviceId: input.request.serviceId,
      formId: REPLY_FORM_ID,
      formVersion: 0,
      answers,
      attachments: [],
      createdAt: new Date(now()).toISOString(),
      updatedAt: now(),
      attempts: 0,
      nextAttemptAt: 0,
      replyTo: input.request.id,
      summary: { serviceName: input.request.summary.serviceName, formTitle: 'Resposta à pergunta da Prefeitura', byteSize: recordByteSize(answers, []) },
    };
    await db.records.put(record);
    return record;
  }));
}

/** The wire body of a queued reply. */
export function toReply(record: OutboxRecord): Reply {
  return { id: record.id, submissionId: record.replyTo!, text: String(record.answers?.resposta ?? ''), createdAt: record.createdAt };
}
