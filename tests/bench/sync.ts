/**
 * Benchmark (not a timed test): 500 queued submissions, some with a photo, flushed by the real sync
 * engine to the real server through a loopback proxy that adds 300 ms to every request.
 * Prints the round trips made and the flush time. Run: npm run bench:sync
 */
import { randomBytes } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openOutboxDb } from '../../src/sync/outbox/db.ts';
import { enqueueSubmission } from '../../src/sync/outbox/enqueue.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { sha256Hex } from '../../src/sync/outbox/file-address.ts';
import type { Answers } from '../../src/shared/contract/submissions.ts';
import { potholeRequest, startServer } from '../support/server.ts';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 500);
const WITH_PHOTO = Number(process.env.BENCH_PHOTOS ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 300);

const server = await startServer();
const proxy = await startLatencyProxy(server.url, LATENCY_MS);
const db = openOutboxDb({ indexedDB: new IDBFactory(), IDBKeyRange });
try {
  const photoField = 'fotos';
  for (let i = 0; i < SUBMISSIONS; i++) {
    const base = potholeRequest() as { id: string; answers: Answers };
    const files = [];
    const answers: Answers = { ...base.answers };
    if (i < WITH_PHOTO) {
      // JPEG signature plus noise: the server checks the type by its first bytes.
      const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300 * 1024), new Uint8Array([0xff, 0xd9])], { type: 'image/jpeg' });
      files.push({ sha256: await sha256Hex(blob), blob, type: 'image/jpeg' as const });
      answers[photoField] = [files[0]!.sha256];
    }
    await enqueueSubmission(db, {
      id: base.id, kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco', formVersion: 1, answers,
      attachments: files.map((f) => ({ sha256: f.sha256, type: f.type, size: f.blob.size, fieldId: photoField })),
      files, summary: { serviceName: 'Tapa-buraco', formTitle: 'Pedir conserto de buraco' },
    });
  }
  const started = performance.now();
  const report = await drainOutbox({ db, fetch: (input, init) => fetch(input, init), now: Date.now, random: Math.random, baseUrl: proxy.url });
  const seconds = (performance.now() - started) / 1000;
  const stored = await server.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
  const photoTrips = WITH_PHOTO * 2;
  console.log(`submissions queued:      ${SUBMISSIONS} (${WITH_PHOTO} with a ~300 KB photo)`);
  console.log(`added latency:           ${LATENCY_MS} ms per request (loopback proxy)`);
  console.log(`round trips:             ${report.requests} (ideal: ${Math.ceil(SUBMISSIONS / 100)} batches + ${photoTrips} photo HEAD/PUT)`);
  console.log(`flush time:              ${seconds.toFixed(1)} s`);
  console.log(`sent / pending / stored: ${report.sent} / ${report.pending} / ${stored.rows[0]?.n}`);
  const stuck = await db.records.where('state').notEqual('sent').first();
  if (stuck) console.log(`first unsent record: ${stuck.state} — ${stuck.lastError ?? ''}`);
  if (report.sent !== SUBMISSIONS || stored.rows[0]?.n !== SUBMISSIONS) process.exitCode = 1;
} finally {
  db.close();
  await proxy.close();
  await server.close();
}

/** Forwards every request to the server after a fixed delay: a slow mobile link on loopback. */
async function startLatencyProxy(target: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const proxyServer = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      setTimeout(() => {
        const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        forwarded.on('error', () => outgoing.destroy());
        forwarded.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  const { port } = proxyServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      proxyServer.closeAllConnections();
      proxyServer.close(() => resolve());
    }),
  };
}
