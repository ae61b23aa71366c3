/**
 * The integrity channel in the outbox: a denúncia is never in a batch with the person's other records, goes
 * alone to its own route a random 3–30 s after it became due and after any other traffic, leaves its
 * answers and photos behind on acknowledgement, keeps only its receipt until "Já anotei", and a retry after
 * a lost answer gets the same receipt. Messages for a denúncia go the same way, with the receipt inside.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { IntegrityReport, ReporterMessage } from '../../src/shared/contract/integrity.ts';
import type { Answers } from '../../src/shared/contract/submissions.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { buildOutboxExport } from '../../src/sync/outbox/export.ts';
import { fileAddress } from '../../src/sync/outbox/file-address.ts';
import {
  countUnsentIntegrity, enqueueIntegrityMessage, enqueueIntegrityReport, forgetReceipt, groupReceipt, INTEGRITY_DELAY, keptFollowUp,
  normalizeReceipt, rememberFollowUp,
} from '../../src/sync/outbox/integrity.ts';
import { keptReceipts, pendingMessages } from '../../src/sync/outbox/queries.ts';
import { followedRequestIds, refreshOpenStatuses } from '../../src/sync/status/status-reader.ts';
import { noteNamedTraffic, type OutboxDb } from '../../src/sync/outbox/db.ts';
import { createFakeEndpoint } from '../support/sync-fake-endpoint.ts';
import { clock, freshDb, PAST_CONFIRMATION_MS, queue, uuid } from '../support/sync-outbox.ts';

type Clock = ReturnType<typeof clock>;

/** The fake sync API plus the integrity channel's two phone routes, with the server's rules: a retry of a report id gets its receipt again. */
function integrityEndpoint(time: Clock) {
  const base = createFakeEndpoint();
  const reports = new Map<string, { body: IntegrityReport; receipt: string; receivedDay: string }>();
  const messages = new Map<string, ReporterMessage>();
  /** Every request, with the test clock's time. */
  const log: { method: string; path: string; at: number; body?: unknown }[] = [];
  const state = { loseResponses: 0, answerWith: 0 };
  let receipts = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  async function fetchFn(input: string, init: RequestInit = {}): Promise<Response> {
    const path = new URL(input, 'http://fake.test').pathname;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) as unknown : undefined;
    log.push({ method: init.method ?? 'GET', path, at: time.now(), body });
    if (!path.startsWith('/api/integridade/')) return base.fetch(input, init);
    if (Dexie.currentTransaction) base.state.fetchInsideTransaction++;
    if (base.state.offline) throw new TypeError('Failed to fetch');
    if (state.answerWith) return json(state.answerWith, { error: 'x', message: 'Recibo não encontrado. Confira os 16 números.' });
    let response: Response;
    if (path === '/api/integridade/relatos') {
      const report = body as IntegrityReport;
      let entry = reports.get(report.id);
      const status = entry ? 200 : 201;
      if (!entry) {
        entry = { body: report, receipt: String(4_000_000_000_000_000 + ++receipts), receivedDay: '2026-11-29' };
        reports.set(report.id, entry);
      }
      response = json(status, { receipt: entry.receipt, receivedDay: entry.receivedDay });
    } else {
      const message = body as ReporterMessage;
      if (![...reports.values()].some((r) => r.receipt === message.receipt)) return json(404, { error: 'not_found', message: 'Recibo não encontrado. Confira os 16 números.' });
      const status = messages.has(message.id) ? 200 : 201;
      messages.set(message.id, message);
      response = json(status, { ok: true });
    }
    if (state.loseResponses > 0) {
      state.loseResponses--;
      throw new TypeError('Failed to fetch');
    }
    return response;
  }

  return { fetch: fetchFn, base, reports, messages, log, state };
}

type Endpoint = ReturnType<typeof integrityEndpoint>;

function deps(db: OutboxDb, endpoint: Endpoint, time: Clock, random = () => 0.5) {
  return { db, fetch: endpoint.fetch, now: time.now, random, baseUrl: 'http://fake.test' };
}

/** With random() = 0.5, the wait drawn for a record of the channel. */
const HALF_DELAY = INTEGRITY_DELAY.minMs + (INTEGRITY_DELAY.maxMs - INTEGRITY_DELAY.minMs) / 2;

/** A JPEG-looking file with an EXIF segment (APP1) naming a place, as a camera writes it. */
function jpegWithExif(): Blob {
  const exif = new TextEncoder().encode('Exif\0\0GPS -14.8615,-40.8442 Moto G');
  const app1 = new Uint8Array([0xff, 0xe1, 0, exif.length + 2, ...exif]);
  return new Blob([new Uint8Array([0xff, 0xd8]), app1, new Uint8Array([0xff, 0xda, 0, 4, 1, 2, 3, 4, 0xff, 0xd9])], { type: 'image/jpeg' });
}

async function file(db: OutboxDb, blob: Blob, type: 'image/jpeg' | 'application/pdf' = 'image/jpeg') {
  return { sha256: await fileAddress(db, blob), blob, type };
}

/** `now` sets the record's createdAt: records queued in one millisecond tie, and then go in the order of their random ids. */
async function queueReport(db: OutboxDb, options: { answers?: Answers; identification?: 'anonimo' | 'preservada' | 'identificado'; photo?: Blob; now?: () => number } = {}) {
  const photo = options.photo ? await file(db, options.photo) : undefined;
  return enqueueIntegrityReport(db, {
    id: uuid(),
    kind: 'manifestation',
    serviceId: 'canal-de-integridade',
    formId: 'denuncia-integridade',
    formVersion: 2,
    answers: {
      tipo: 'propina', orgao: 'saude', relato: 'O fiscal cobrou dinheiro para liberar o alvará.', consentimento: true,
      ...(photo ? { fotos: [photo.sha256] } : {}),
      ...options.answers,
    },
    attachments: photo ? [{ sha256: photo.sha256, type: photo.type, size: photo.blob.size, fieldId: 'fotos' }] : [],
    files: photo ? [photo] : [],
    summary: { serviceName: 'Canal de Integridade', formTitle: 'Canal de Integridade: denunciar fraude ou corrupção' },
    identification: options.identification ?? 'anonimo',
  }, options.now);
}

const integrityCalls = (endpoint: Endpoint) => endpoint.log.filter((c) => c.path.startsWith('/api/integridade/'));
const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
function hasApp1(bytes: Uint8Array): boolean {
  for (let i = 2; i + 3 < bytes.length && bytes[i] === 0xff; i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!)) {
    if (bytes[i + 1] === 0xe1) return true;
    if (bytes[i + 1] === 0xda) break;
  }
  return false;
}

describe('the integrity channel in the outbox', () => {
  it('is never in a batch with the person\'s named records: it goes alone, by its own route, after its delay', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const named = [await queue(db, {}, true), await queue(db)];
    const report = await queueReport(db, { photo: jpegWithExif() });

    const first = await drainOutbox(deps(db, endpoint, time));
    expect(first).toMatchObject({ sent: 2, integritySent: 0, pending: 1 });
    const batches = endpoint.log.filter((c) => c.path === '/api/sync');
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) expect((batch.body as { submissions: { id: string }[] }).submissions.map((s) => s.id)).not.toContain(report.id);
    // Not a single request of the channel in the drain that sent the named ones; its time is drawn.
    expect(integrityCalls(endpoint)).toEqual([]);
    const waiting = await db.records.get(report.id);
    expect(waiting?.state).toBe('queued');
    expect(waiting?.integrity?.sendAt).toBe(time.now() + HALF_DELAY);
    expect(first.integrityAt).toBe(time.now() + HALF_DELAY);

    time.advance(HALF_DELAY - 1);
    expect((await drainOutbox(deps(db, endpoint, time))).requests).toBe(0);

    time.advance(1);
    const before = endpoint.log.length;
    const second = await drainOutbox(deps(db, endpoint, time));
    expect(second).toMatchObject({ integritySent: 1, sent: 0, pending: 0, requests: 1 });
    // Exactly one request in that drain: the denúncia, alone, on its own route.
    expect(endpoint.log.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/integridade/relatos']);
    const wire = endpoint.reports.get(report.id)!.body;
    expect(wire).toMatchObject({ id: report.id, formId: 'denuncia-integridade', formVersion: 2, identification: 'anonimo' });
    // The photo travels inline, named by its field, never by this phone's salted address.
    expect(Object.keys(wire.answers).sort()).toEqual(['consentimento', 'orgao', 'relato', 'tipo']);
    expect(wire.files).toHaveLength(1);
    expect(wire.files[0]).toMatchObject({ fieldId: 'fotos', type: 'image/jpeg' });
    expect(JSON.stringify(wire)).not.toContain(named[0]!.attachments[0]!.sha256.slice(0, 16));
    expect(endpoint.base.state.fetchInsideTransaction).toBe(0);
    expect(named.every((r) => !endpoint.base.stored.get(r.id)?.body.includes('fiscal'))).toBe(true);
  });

  it('strips EXIF from a photo and authors from a PDF before they leave the phone', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const photo = jpegWithExif();
    const pdf = new Blob(['%PDF-1.4\n1 0 obj << /Author (Maria da Silva) /Creator (Word) >> endobj\ntrailer << /Info 1 0 R >>\n%%EOF\n'], { type: 'application/pdf' });
    const photoFile = await file(db, photo);
    const pdfFile = await file(db, pdf, 'application/pdf');
    const record = await queueReport(db, { photo });
    await db.records.update(record.id, {
      answers: { ...record.answers, fotos: [photoFile.sha256, pdfFile.sha256] },
      attachments: [...record.attachments, { sha256: pdfFile.sha256, type: 'application/pdf', size: pdf.size, fieldId: 'fotos' }],
    });
    await db.blobs.put({ sha256: pdfFile.sha256, blob: pdf, type: 'application/pdf', size: pdf.size, createdAt: 0, salted: true });
    expect(hasApp1(new Uint8Array(await photo.arrayBuffer()))).toBe(true);

    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    await drainOutbox(deps(db, endpoint, time));
    const [sentPhoto, sentPdf] = endpoint.reports.get(record.id)!.body.files;
    expect(hasApp1(bytesOf(sentPhoto!.base64))).toBe(false);
    expect(new TextDecoder().decode(bytesOf(sentPhoto!.base64))).not.toContain('GPS');
    const pdfText = new TextDecoder().decode(bytesOf(sentPdf!.base64));
    expect(pdfText.startsWith('%PDF-1.4')).toBe(true);
    expect(pdfText).not.toContain('Maria');
    expect(bytesOf(sentPdf!.base64).length).toBe(pdf.size);
  });

  it('waits a fresh delay when anything else went out, and never goes next to another of its kind', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    // One after the other, as a person files them: the first queued goes first.
    const one = await queueReport(db, { now: time.now });
    time.advance(1);
    const two = await queueReport(db, { now: time.now });
    await drainOutbox(deps(db, endpoint, time));
    // A named request, queued just before the denúncias' time: it goes, they wait again from now.
    time.advance(HALF_DELAY - 1000);
    await queue(db);
    time.advance(1000);
    const drain = await drainOutbox(deps(db, endpoint, time));
    expect(drain).toMatchObject({ sent: 1, integritySent: 0 });
    expect(integrityCalls(endpoint)).toEqual([]);
    expect((await db.records.get(one.id))?.integrity?.sendAt).toBe(time.now() + HALF_DELAY);

    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 1, requests: 1 });
    // The other one counts its delay from the moment the first left.
    expect((await db.records.get(two.id))?.integrity?.sendAt).toBe(time.now() + HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 0, requests: 0 });
    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 1, requests: 1 });
    expect(integrityCalls(endpoint).map((c) => (c.body as { id: string }).id)).toEqual([one.id, two.id]);
    expect(integrityCalls(endpoint)[1]!.at - integrityCalls(endpoint)[0]!.at).toBeGreaterThanOrEqual(INTEGRITY_DELAY.minMs);
  });

  it('waits a fresh delay after a named request the page or the service worker sent outside the drain', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const one = await queueReport(db);
    await drainOutbox(deps(db, endpoint, time));
    // A status read of the person's named requests, sent by the page while the denúncia waits.
    time.advance(1000);
    await noteNamedTraffic(db, time.now());
    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 0, requests: 0 });
    expect(integrityCalls(endpoint)).toEqual([]);
    expect((await db.records.get(one.id))?.integrity?.sendAt).toBe(time.now() + HALF_DELAY);
    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 1, requests: 1 });
  });

  it('drops the answers and photos on acknowledgement and keeps only the receipt, until "Já anotei"', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const record = await queueReport(db, { photo: jpegWithExif() });
    const sha = record.attachments[0]!.sha256;
    const named = await queue(db);
    expect(await countUnsentIntegrity(db)).toBe(1);
    // "Salvar cópia" carries the named request only.
    expect((await buildOutboxExport(db)).submissions.map((s) => (s as { id: string }).id)).toEqual([named.id]);

    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    await drainOutbox(deps(db, endpoint, time));
    const sent = await db.records.get(record.id);
    const { receipt } = endpoint.reports.get(record.id)!;
    expect(sent).toMatchObject({ state: 'sent', attachments: [], channel: 'integrity' });
    expect(sent?.answers).toBeUndefined();
    expect(sent?.integrity).toEqual({ kind: 'report', receipt, receivedDay: '2026-11-29' });
    expect(sent?.receipt).toBeUndefined();
    expect(await db.blobs.get(sha)).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('fiscal');
    expect((await keptReceipts(db)).map((r) => r.id)).toEqual([record.id]);

    // It is never named in a status read, a push subscription or a confirmation read.
    expect(await followedRequestIds(db)).toEqual([named.id]);
    await refreshOpenStatuses(db, endpoint.fetch, time.now, 'http://fake.test');
    time.advance(PAST_CONFIRMATION_MS);
    await drainOutbox(deps(db, endpoint, time));
    const reads = endpoint.log.filter((c) => c.path === '/api/submissions/status');
    expect(reads.length).toBe(2);
    for (const read of reads) expect((read.body as { ids: string[] }).ids).toEqual([named.id]);
    expect(endpoint.reports.size).toBe(1);

    // The last follow-up is kept only with the receipt, and goes with it.
    const followUp = { status: 'recebida' as const, receivedDay: '2026-11-29', readDay: null, messages: [] };
    expect(await rememberFollowUp(db, receipt, followUp, time.now())).toBe(true);
    expect(await rememberFollowUp(db, '1111222233334444', followUp, time.now())).toBe(false);
    expect(await keptFollowUp(db, receipt)).toEqual({ followUp, at: time.now() });
    await forgetReceipt(db, record.id);
    expect(await db.records.get(record.id)).toBeUndefined();
    expect(await keptFollowUp(db, receipt)).toBeNull();
    expect(await db.records.count()).toBe(1);
  });

  it('gets the same receipt on a retry after the first answer was lost', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const record = await queueReport(db);
    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    endpoint.state.loseResponses = 1;
    const lost = await drainOutbox(deps(db, endpoint, time));
    expect(lost).toMatchObject({ offline: true, integritySent: 0, retrying: 1 });
    expect(endpoint.reports.size).toBe(1);
    const waiting = await db.records.get(record.id);
    expect(waiting?.state).toBe('retry');
    expect(waiting?.answers).toBeDefined();
    expect(waiting?.integrity?.sendAt).toBeUndefined();

    // Due again after its backoff: it draws a new delay, then goes under the same id.
    time.advance(waiting!.nextAttemptAt - time.now());
    expect((await drainOutbox(deps(db, endpoint, time))).requests).toBe(0);
    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 1 });
    const posts = integrityCalls(endpoint);
    expect(posts.map((c) => (c.body as { id: string }).id)).toEqual([record.id, record.id]);
    expect(endpoint.reports.size).toBe(1);
    expect((await db.records.get(record.id))?.integrity?.receipt).toBe(endpoint.reports.get(record.id)!.receipt);
  });

  it('never lets the identity leave the phone in anonymous mode, and sends it in the other modes', async () => {
    const identity = { identificar: true, nome: 'Maria da Conceição', cpf: '529.982.247-25', email: 'maria@example.com', telefone: '(77) 98888-7777' };
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const anonymous = await queueReport(db, { answers: identity, identification: 'anonimo' });
    expect(Object.keys(anonymous.answers!)).not.toContain('nome');
    expect(anonymous.integrity).toEqual({ kind: 'report', identification: 'anonimo' });
    const preserved = await queueReport(db, { answers: identity, identification: 'preservada' });
    await drainOutbox(deps(db, endpoint, time));
    for (let i = 0; i < 2; i++) {
      time.advance(HALF_DELAY);
      await drainOutbox(deps(db, endpoint, time));
    }
    const anonymousWire = JSON.stringify(endpoint.reports.get(anonymous.id)!.body);
    for (const value of Object.values(identity)) if (typeof value === 'string') expect(anonymousWire).not.toContain(value);
    expect(anonymousWire).not.toContain('identificar');
    expect(endpoint.reports.get(preserved.id)!.body).toMatchObject({ identification: 'preservada', answers: { nome: 'Maria da Conceição', identificar: true } });
  });

  it('sends more information alone, with the receipt, exactly once, and keeps nothing of it after', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const report = await queueReport(db);
    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    await drainOutbox(deps(db, endpoint, time));
    const { receipt } = endpoint.reports.get(report.id)!;

    const attached = await file(db, jpegWithExif());
    const message = await enqueueIntegrityMessage(db, { id: uuid(), receipt, text: '  Ele pediu R$ 500 em dinheiro.  ', files: [attached] });
    expect(message).toMatchObject({ channel: 'integrity', integrity: { kind: 'message', receipt }, answers: { mensagem: 'Ele pediu R$ 500 em dinheiro.' } });
    expect((await pendingMessages(db, receipt)).map((r) => r.id)).toEqual([message.id]);
    expect((await buildOutboxExport(db)).submissions).toEqual([]);

    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    endpoint.state.loseResponses = 1;
    await drainOutbox(deps(db, endpoint, time));
    time.advance((await db.records.get(message.id))!.nextAttemptAt - time.now());
    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    const before = endpoint.log.length;
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ integritySent: 1, requests: 1 });
    expect(endpoint.log.slice(before).map((c) => c.path)).toEqual(['/api/integridade/mensagens']);
    expect(endpoint.messages.size).toBe(1);
    const wire = endpoint.messages.get(message.id)!;
    expect(wire).toMatchObject({ id: message.id, receipt, text: 'Ele pediu R$ 500 em dinheiro.' });
    expect(hasApp1(bytesOf(wire.files[0]!.base64))).toBe(false);
    expect(wire.files[0]!.fieldId).toBe('arquivos');
    // Acknowledged: the message, its receipt copy and its file are gone from the phone.
    expect(await db.records.get(message.id)).toBeUndefined();
    expect(await db.blobs.get(attached.sha256)).toBeUndefined();
    expect(await pendingMessages(db, receipt)).toEqual([]);
  });

  it('keeps a message for a receipt the server does not know, with the server\'s words', async () => {
    const { db } = freshDb();
    const time = clock();
    const endpoint = integrityEndpoint(time);
    const message = await enqueueIntegrityMessage(db, { id: uuid(), receipt: '1234567812345678', text: 'Mais uma coisa.', files: [] });
    await drainOutbox(deps(db, endpoint, time));
    time.advance(HALF_DELAY);
    expect(await drainOutbox(deps(db, endpoint, time))).toMatchObject({ rejected: 1, integritySent: 0 });
    expect(await db.records.get(message.id)).toMatchObject({ state: 'rejected', lastError: 'Recibo não encontrado. Confira os 16 números.', answers: { mensagem: 'Mais uma coisa.' } });
    // Rejected: never sent again by itself.
    time.advance(10 * 60_000);
    expect((await drainOutbox(deps(db, endpoint, time))).requests).toBe(0);
  });

  it('reads receipts as people write them down', () => {
    expect(groupReceipt('1234567890123456')).toBe('1234 5678 9012 3456');
    expect(normalizeReceipt(' 1234 5678-9012 3456 ')).toBe('1234567890123456');
    expect(normalizeReceipt('1234 5678 9012 345')).toBeNull();
    expect(normalizeReceipt('1234 5678 9012 345a')).toBeNull();
  });
});
