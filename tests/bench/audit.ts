/**
 * `npm run bench:audit [-- --n 2000 --parallel 8 --only pglite|postgres]`: what one audit() insert costs (it is
 * written on every view of personal data). Sequential inserts (one autocommit each) and, on PostgreSQL,
 * `--parallel` writers at once (they queue on the audit chain's head). Prints the median and p95 in ms and exits 0:
 * a benchmark, not a test. PostgreSQL from BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL, in a schema of
 * its own, dropped afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { audit } from '../../src/server/domain/audit.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Storage } from '../../src/server/storage/types.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, parallel: { type: 'string', default: '8' }, only: { type: 'string' } } });
const n = Number(values.n);
const parallel = Number(values.parallel);
const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

function stats(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms (${times.length} inserts)`;
}

async function timeInserts(storage: Storage, count: number, writers: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const writer = async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      await audit(storage, { accountId: null, sessionId: randomBytes(8).toString('hex') }, 'view_request', { submissionId: randomUUID() });
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return times;
}

async function bench(label: string, storage: Storage, writers: number[]): Promise<void> {
  await timeInserts(storage, 200, 1); // warm-up
  for (const w of writers) console.log(`${label}, ${w} writer(s): ${stats(await timeInserts(storage, n, w))}`);
}

if (values.only !== 'postgres') {
  const storage = await openStorage({ dataDir: 'memory://' });
  try { await bench('PGlite (memory)', storage, [1]); } finally { await storage.close(); }
}
if (values.only !== 'pglite' && databaseUrl) {
  const schema = `bench_audit_${randomBytes(5).toString('hex')}`;
  const storage = await openStorage({ databaseUrl, schema });
  try {
    await bench('PostgreSQL', storage, [1, parallel]);
  } finally {
    await storage.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
