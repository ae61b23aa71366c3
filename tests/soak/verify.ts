/**
 * The soak's verdict, read straight from the database after the server stopped (not through the API,
 * which could hide a duplicate row) and from every device's outbox. Returns the problems found; none
 * means nothing was lost, nothing was stored twice and every photo arrived byte for byte.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { OutboxRecord } from '../../src/sync/outbox/db.ts';
import { readAttachment } from '../../src/server/storage/attachment-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { SOAK_SALT, type SoakSubmission } from './workload.ts';

export interface DeviceOutbox {
  index: number;
  records: OutboxRecord[];
  blobsLeft: number;
  expectedIds: string[];
}

const LIST_LIMIT = 5;

function listed(items: readonly string[]): string {
  return items.length > LIST_LIMIT ? `${items.slice(0, LIST_LIMIT).join(', ')} … (${items.length})` : items.join(', ');
}

export async function verifySoak(storage: Storage, workload: readonly SoakSubmission[], devices: readonly DeviceOutbox[]): Promise<string[]> {
  const problems: string[] = [];
  const expected = new Map(workload.map((s) => [s.input.id, s]));

  const rows = (await storage.query<{ id: string; protocol: string | null; answers: unknown; attachments: unknown }>(
    'SELECT id::text AS id, protocol, answers, attachments FROM submissions',
  )).rows;
  if (rows.length !== workload.length) problems.push(`The server holds ${rows.length} submissions; ${workload.length} were enqueued.`);
  const counted = new Map<string, number>();
  for (const row of rows) counted.set(row.id, (counted.get(row.id) ?? 0) + 1);
  const twice = [...counted].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length) problems.push(`Stored more than once: ${listed(twice)}`);
  const unknown = [...counted.keys()].filter((id) => !expected.has(id));
  if (unknown.length) problems.push(`Stored but never enqueued: ${listed(unknown)}`);
  const missing = [...expected.keys()].filter((id) => !counted.has(id));
  if (missing.length) problems.push(`Enqueued but not stored: ${listed(missing)}`);

  const protocols = rows.map((r) => r.protocol);
  if (protocols.some((p) => !p)) problems.push('A stored submission has no protocol.');
  if (new Set(protocols).size !== protocols.length) problems.push('Two stored submissions share a protocol.');
  // Compared with what went on the wire (JSON turns -0 into 0, for one).
  const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  const altered = rows.filter((row) => {
    const sent = expected.get(row.id);
    return sent && (!isDeepStrictEqual(row.answers, wire(sent.input.answers)) || !isDeepStrictEqual(row.attachments, wire(sent.input.attachments)));
  }).map((row) => row.id);
  if (altered.length) problems.push(`Stored answers or attachments differ from what was sent: ${listed(altered)}`);

  const history = (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM status_history WHERE status = 'received'`)).rows[0]!.n;
  if (history !== rows.length) problems.push(`${history} 'received' history events for ${rows.length} submissions.`);

  const photos = workload.flatMap((s) => (s.photo ? [s.photo] : []));
  const files = (await storage.query<{ sha256: string; salted: boolean }>('SELECT sha256, salted FROM attachments')).rows;
  if (files.length !== photos.length) problems.push(`The server holds ${files.length} files; ${photos.length} photos were enqueued.`);
  if (files.some((f) => !f.salted)) problems.push('A file was stored under an unsalted address.');
  const stored = new Map<string, Uint8Array>();
  for (const file of files) {
    const read = await readAttachment(storage, file.sha256);
    if (read) stored.set(file.sha256, read.bytes);
  }
  const address = (bytes: Uint8Array) => createHash('sha256').update(Buffer.from(SOAK_SALT, 'hex')).update(bytes).digest('hex');
  const badPhotos = photos.filter((photo) => {
    const bytes = stored.get(photo.sha256);
    return !bytes || address(bytes) !== photo.sha256 || Buffer.compare(Buffer.from(bytes), Buffer.from(photo.bytes)) !== 0;
  }).map((p) => p.sha256.slice(0, 12));
  if (badPhotos.length) problems.push(`Photos missing or not byte-identical: ${listed(badPhotos)}`);

  const serverProtocol = new Map(rows.map((r) => [r.id, r.protocol]));
  const deviceProtocols: string[] = [];
  for (const device of devices) {
    const name = `device ${device.index}`;
    const ids = new Set(device.records.map((r) => r.id));
    const absent = device.expectedIds.filter((id) => !ids.has(id));
    if (absent.length) problems.push(`${name}: enqueued records missing from its outbox: ${listed(absent)}`);
    const unsent = device.records.filter((r) => r.state !== 'sent');
    if (unsent.length) {
      const states = unsent.map((r) => `${r.state}${r.lastError ? ` (${r.lastError})` : ''}`);
      problems.push(`${name}: ${unsent.length} record(s) not sent: ${listed(states)}`);
    }
    const noReceipt = device.records.filter((r) => r.state === 'sent' && !r.receipt?.protocol).map((r) => r.id);
    if (noReceipt.length) problems.push(`${name}: sent without a protocol: ${listed(noReceipt)}`);
    const wrongReceipt = device.records.filter((r) => r.receipt && serverProtocol.get(r.id) !== r.receipt.protocol).map((r) => r.id);
    if (wrongReceipt.length) problems.push(`${name}: receipt protocol differs from the stored one: ${listed(wrongReceipt)}`);
    deviceProtocols.push(...device.records.flatMap((r) => (r.receipt?.protocol ? [r.receipt.protocol] : [])));
    if (device.blobsLeft) problems.push(`${name}: ${device.blobsLeft} photo(s) still kept after everything was sent and confirmed.`);
    const answersLeft = device.records.filter((r) => r.answers !== undefined).length;
    if (answersLeft) problems.push(`${name}: ${answersLeft} sent record(s) still hold their answers after confirmation.`);
  }
  if (new Set(deviceProtocols).size !== deviceProtocols.length) problems.push('Two device records hold the same protocol.');
  return problems;
}
