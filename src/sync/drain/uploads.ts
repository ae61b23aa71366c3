/** Photos go up before the records that name them: HEAD to skip what the server holds, PUT for the rest. */
import { ATTACHMENT_SALT_HEADER } from '../../shared/contract/submissions.ts';
import type { OutboxRecord } from '../outbox/db.ts';
import { deviceSalt } from '../outbox/file-address.ts';
import type { DrainState, SyncDeps } from './deps.ts';
import { setRejected } from './outcomes.ts';
import { SYNC_MESSAGES, TransientError, readError, request } from './request.ts';

/** Photos go up a few at a time: parallel enough to hide latency, gentle on one bar of signal. */
const PHOTO_CONCURRENCY = 3;

/**
 * Makes sure the server holds every photo of the given records. Returns the records that can go on;
 * a record whose photo is gone from the phone or refused by the server is set aside as rejected.
 */
export async function uploadPhotos(deps: SyncDeps, records: OutboxRecord[], state: DrainState): Promise<OutboxRecord[]> {
  if (records.length === 0) return records;
  const { report, forcePut } = state;
  const salt = await deviceSalt(deps.db);
  const refused = new Map<string, string>();
  const hashes = [...new Set(records.flatMap((r) => r.attachments.map((a) => a.sha256)))];
  const uploadOne = async (sha256: string): Promise<void> => {
    const path = `/api/attachments/${sha256}`;
    if (!forcePut.has(sha256)) {
      const head = await request(deps, path, { method: 'HEAD' }, report);
      if (head.ok) return;
    }
    const row = await deps.db.blobs.get(sha256);
    if (!row) {
      refused.set(sha256, SYNC_MESSAGES.photoLost);
      return;
    }
    const put = await request(deps, path, { method: 'PUT', body: row.blob, headers: { 'content-type': row.type, [ATTACHMENT_SALT_HEADER]: salt } }, report);
    if (put.ok) {
      forcePut.delete(sha256);
      await put.body?.cancel().catch(() => undefined);
      return;
    }
    if (put.status >= 500) {
      await put.body?.cancel().catch(() => undefined);
      throw new TransientError(SYNC_MESSAGES.serverBusy, false);
    }
    const error = await readError(put);
    refused.set(sha256, error?.message ? `Uma foto não foi aceita: ${error.message}` : SYNC_MESSAGES.photoLost);
  };
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < hashes.length) {
      try {
        await uploadOne(hashes[next++]!);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  // Every upload in flight finishes before the records are marked for retry.
  await Promise.all(Array.from({ length: Math.min(PHOTO_CONCURRENCY, hashes.length) }, worker));
  if (failure !== undefined) throw failure;
  if (refused.size === 0) return records;
  const blocked = records.filter((r) => r.attachments.some((a) => refused.has(a.sha256)));
  for (const record of blocked) {
    const attachment = record.attachments.find((a) => refused.has(a.sha256))!;
    await setRejected(deps, record.id, refused.get(attachment.sha256)!, { [attachment.fieldId]: refused.get(attachment.sha256)! });
    report.rejected++;
  }
  return records.filter((r) => !blocked.includes(r));
}
