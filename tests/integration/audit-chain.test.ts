/**
 * Issue 15, finding 11 and "What to build" 8: the audit log is a hash chain. Entries link to the one before
 * even when many transactions (and, on PostgreSQL, two server processes' pools) append at once; TRUNCATE,
 * UPDATE and DELETE are refused; a row rewritten by whoever holds the database with its triggers disabled is
 * found by `npm run audit:verify` (run as a child process); and the transparency panel publishes each day's
 * final hash only for days that are over, the same hash the verifier computes.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/server/domain/audit.ts';
import { entryHash, GENESIS_HASH, verifyChain } from '../../src/server/storage/audit-chain.ts';
import { loadMigrations, migrate } from '../../src/server/storage/migrate.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import type { Queryable, Session, Storage } from '../../src/server/storage/types.ts';
import { bahiaDay } from '../../src/shared/dates.ts';
import { BACKENDS, dropSchema, startServer, type Backend } from '../support/server.ts';
import { addAccount } from '../support/staff.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DAY_MS = 86_400_000;
/** Each CLI run starts Node, tsx and (on PGlite) the embedded database: seconds each on a busy machine. */
const CLI_TIMEOUT_MS = 240_000;

interface CliResult { code: number; stdout: string; stderr: string }

interface Row {
  id: string;
  at: Date;
  at_micros: string;
  account_id: string | null;
  session_id: string | null;
  action: string;
  submission_id: string | null;
  target: string | null;
  prev_hash: string;
  entry_hash: string;
  [column: string]: unknown;
}

const allRows = async (db: Queryable) => (await db.query<Row>(
  `SELECT id::text AS id, at, ((extract(epoch FROM at) * 1000000)::bigint)::text AS at_micros, account_id::text AS account_id, session_id, action,
          submission_id::text AS submission_id, target, encode(prev_hash, 'hex') AS prev_hash, encode(entry_hash, 'hex') AS entry_hash
   FROM staff_audit ORDER BY staff_audit.id`,
)).rows;

const head = async (db: Queryable) => (await db.query<{ last_id: string; last_hash: string }>(
  `SELECT last_id::text AS last_id, encode(last_hash, 'hex') AS last_hash FROM staff_audit_head`,
)).rows;

/** What a holder of the database (superuser) does with the triggers off: session_replication_role skips them. */
async function asSuperuserWithoutTriggers(storage: Storage, sql: string, params: unknown[] = []): Promise<void> {
  await storage.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}

/** Rewrites one entry and recomputes every hash after it (and the head) with the database's own function. */
const REWRITE_AND_RECHAIN = (victim: string) => `DO $$
DECLARE entry record; prev bytea; hash bytea;
BEGIN
  UPDATE staff_audit SET target = 'apagado-pelo-atacante' WHERE id = ${BigInt(victim)};
  SELECT prev_hash INTO prev FROM staff_audit WHERE id = ${BigInt(victim)};
  FOR entry IN SELECT * FROM staff_audit WHERE id >= ${BigInt(victim)} ORDER BY id LOOP
    hash := staff_audit_entry_hash(prev, entry.id, entry.at, entry.account_id, entry.session_id, entry.action, entry.submission_id, entry.target);
    UPDATE staff_audit SET prev_hash = prev, entry_hash = hash WHERE id = entry.id;
    prev := hash;
  END LOOP;
  UPDATE staff_audit_head SET last_hash = prev;
END $$`;

describe.each(BACKENDS)('the audit log is a hash chain on %s', (backend: Backend) => {
  /**
   * A database of its own: in a schema (PostgreSQL), or on PGlite in memory, or on disk when the CLI must open
   * it too. A fresh PGlite folder takes initdb and every migration with real fsyncs (tens of seconds on a busy
   * machine): one is made once, closed, and copied for each test that needs one.
   */
  const databases: Array<{ dir: string; schema?: string }> = [];
  const open: Storage[] = [];
  let template: string | undefined;

  const newDatabase = async ({ forCli }: { forCli: boolean }) => {
    const db = { dir: mkdtempSync(join(tmpdir(), 'conecta-audit-')), ...(backend === 'postgres' ? { schema: `test_audit_${randomBytes(5).toString('hex')}` } : {}) };
    databases.push(db);
    if (backend === 'pglite' && forCli) {
      if (!template) {
        template = mkdtempSync(join(tmpdir(), 'conecta-audit-template-'));
        databases.push({ dir: template });
        await (await openStorage({ dataDir: template })).close();
      }
      cpSync(template, db.dir, { recursive: true });
    }
    const env = { ...process.env, DATA_DIR: db.dir, DATABASE_URL: backend === 'postgres' ? process.env.TEST_DATABASE_URL : '', DATABASE_SCHEMA: db.schema ?? '' };
    const openIt = async () => {
      const dataDir = backend === 'pglite' && !forCli ? 'memory://' : db.dir;
      const storage = await openStorage({ dataDir, databaseUrl: env.DATABASE_URL || undefined, schema: db.schema });
      open.push(storage);
      return storage;
    };
    const verify = (...args: string[]) => new Promise<CliResult>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/cli/audit-verify.ts'), ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
    return { dir: db.dir, open: openIt, verify };
  };

  /** PGlite is one process's database: the test closes its handle before the CLI opens the folder. */
  const close = async (storage: Storage) => {
    open.splice(open.indexOf(storage), 1);
    await storage.close();
  };

  afterEach(async () => {
    for (const storage of open.splice(0)) await storage.close();
  });
  afterAll(async () => {
    for (const db of databases) {
      rmSync(db.dir, { recursive: true, force: true });
      if (db.schema) await dropSchema(db.schema);
    }
  });

  it('each entry carries the hash of the one before, recomputable from its fields outside the database', async () => {
    const db = await newDatabase({ forCli: false });
    const storage = await db.open();
    const person = await addAccount(storage, ['gestor']);
    await audit(storage, { accountId: person.account.id, sessionId: 'a'.repeat(64) }, 'view_request', { submissionId: randomUUID() });
    await audit(storage, { accountId: null, sessionId: null }, 'login_failed', { target: 'ninguém@exemplo.com.br 🙂 "\n-' });
    await storage.transaction((tx) => audit(tx, { accountId: person.account.id, sessionId: 'b'.repeat(64) }, 'export'));

    const rows = await allRows(storage);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    rows.forEach((row, i) => {
      if (i > 0) {
        expect(row.prev_hash).toBe(rows[i - 1]!.entry_hash);
        expect(BigInt(row.id)).toBe(BigInt(rows[i - 1]!.id) + 1n);
        expect(row.at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.at.getTime());
      }
      expect(entryHash(row.prev_hash, {
        id: row.id, atMicros: row.at_micros, accountId: row.account_id, sessionId: row.session_id,
        action: row.action, submissionId: row.submission_id, target: row.target,
      })).toBe(row.entry_hash);
    });
    expect(await head(storage)).toEqual([{ last_id: rows.at(-1)!.id, last_hash: rows.at(-1)!.entry_hash }]);
    // Whatever an INSERT gives for the chain's columns is replaced by the trigger.
    await storage.query(`INSERT INTO staff_audit (id, at, action, prev_hash, entry_hash) VALUES (1, '2001-01-01', 'forjado', '\\x00', '\\x00')`);
    const forged = (await allRows(storage)).at(-1)!;
    expect(forged.id).not.toBe('1');
    expect(Date.now() - forged.at.getTime()).toBeLessThan(60_000);
    expect(forged.prev_hash).toBe(rows.at(-1)!.entry_hash);
    expect(await verifyChain(storage, { pageSize: 2 })).toMatchObject({ ok: true, entries: rows.length + 1, lastId: forged.id, lastHash: forged.entry_hash });
  });

  it('50 audit() calls in parallel transactions, from two connection pools at once, form one unbroken chain', async () => {
    const db = await newDatabase({ forCli: false });
    const storage = await db.open();
    // On PostgreSQL a second pool on the same tables stands for a second server process; PGlite has one process.
    const second = backend === 'postgres' ? await db.open() : storage;
    const before = (await allRows(storage)).length;
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? second : storage).transaction(async (tx) => {
      await audit(tx, { accountId: null, sessionId: `sessao-${i}` }, 'view_request', { target: `t${i}` });
      // The transaction goes on after its entry: later appends wait for its commit.
      await tx.query('SELECT count(*) FROM staff_audit');
    })));
    const rows = await allRows(storage);
    expect(rows.length).toBe(before + 50);
    expect(new Set(rows.map((r) => r.target).filter((t) => t?.startsWith('t'))).size).toBe(50);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash, `entry ${rows[i]!.id}`).toBe(rows[i - 1]!.entry_hash);
    expect(await verifyChain(storage)).toMatchObject({ ok: true, entries: before + 50 });
  });

  it('TRUNCATE, UPDATE and DELETE are refused on the log and on its head, and nothing changes', async () => {
    const db = await newDatabase({ forCli: false });
    const storage = await db.open();
    for (let i = 0; i < 3; i++) await audit(storage, { accountId: null, sessionId: null }, 'login_failed', { target: `x${i}` });
    const rowsBefore = await allRows(storage);
    const headBefore = await head(storage);

    await expect(storage.query('TRUNCATE staff_audit')).rejects.toThrow(/append-only/);
    await expect(storage.query('TRUNCATE staff_audit CASCADE')).rejects.toThrow(/append-only/);
    await expect(storage.query(`UPDATE staff_audit SET target = 'nada'`)).rejects.toThrow(/append-only/);
    await expect(storage.query('DELETE FROM staff_audit WHERE id = (SELECT max(id) FROM staff_audit)')).rejects.toThrow(/append-only/);
    await expect(storage.query('TRUNCATE staff_audit_head')).rejects.toThrow(/moves only with staff_audit/);
    await expect(storage.query('DELETE FROM staff_audit_head')).rejects.toThrow(/moves only with staff_audit/);
    await expect(storage.query(`UPDATE staff_audit_head SET last_hash = '\\x00'`)).rejects.toThrow(/moves only with staff_audit/);
    await expect(storage.query(`INSERT INTO staff_audit_head (singleton, last_hash) VALUES (false, '\\x00')`)).rejects.toThrow();

    expect(await allRows(storage)).toEqual(rowsBefore);
    expect(await head(storage)).toEqual(headBefore);
    expect(await verifyChain(storage)).toMatchObject({ ok: true, entries: rowsBefore.length });
  });

  it('a row rewritten with the triggers off is found by audit:verify, which names the first entry that does not match', async () => {
    const db = await newDatabase({ forCli: true });
    let storage = await db.open();
    for (let i = 0; i < 12; i++) await audit(storage, { accountId: null, sessionId: null }, 'view_request', { target: `pedido-${i}` });
    const rows = await allRows(storage);
    const victim = rows[5]!;
    expect(await verifyChain(storage)).toMatchObject({ ok: true, entries: rows.length });

    // The attacker: superuser, triggers skipped, one entry's target changed.
    await asSuperuserWithoutTriggers(storage, `UPDATE staff_audit SET target = 'apagado-pelo-atacante' WHERE id = $1`, [victim.id]);
    expect((await allRows(storage)).find((r) => r.id === victim.id)!.target).toBe('apagado-pelo-atacante');
    await close(storage);
    const rewritten = await db.verify();
    expect(rewritten.code).toBe(1);
    expect(rewritten.stderr).toContain(`Registro de auditoria ALTERADO: a entrada #${victim.id} o conteúdo não confere com o seu hash (a entrada foi reescrita). 5 entrada(s) anteriores conferem.`);
    expect(rewritten.stdout).toBe('');

    // A smarter attacker also recomputes that entry's hash: the next entry no longer points to it.
    storage = await db.open();
    await asSuperuserWithoutTriggers(storage, `UPDATE staff_audit SET entry_hash = staff_audit_entry_hash(prev_hash, id, at, account_id, session_id, action, submission_id, target) WHERE id = $1`, [victim.id]);
    expect(await verifyChain(storage)).toMatchObject({ ok: false, brokenId: rows[6]!.id, reason: expect.stringContaining('não aponta para a entrada anterior') });

    // Rechaining everything after it and cutting the last entries off is seen against the head.
    await asSuperuserWithoutTriggers(storage, REWRITE_AND_RECHAIN(victim.id));
    await asSuperuserWithoutTriggers(storage, 'DELETE FROM staff_audit WHERE id >= $1', [rows[10]!.id]);
    expect(await verifyChain(storage)).toMatchObject({ ok: false, brokenId: rows.at(-1)!.id, reason: expect.stringContaining('o fim da cadeia não confere com staff_audit_head') });
  }, CLI_TIMEOUT_MS);

  it('the panel publishes each day that is over with the verifier\'s hash; a rechained rewrite then differs from the copy kept', async () => {
    const db = await newDatabase({ forCli: true });
    let storage = await db.open();
    for (let i = 0; i < 4; i++) await audit(storage, { accountId: null, sessionId: null }, 'view_request', { target: `pedido-${i}` });
    const rows = await allRows(storage);
    const today = bahiaDay(rows.at(-1)!.at);
    expect(bahiaDay(rows[0]!.at), 'the entries were written on one day (not across midnight in Bahia)').toBe(today);

    // Today is not over: nothing about it is published.
    let server = await startServer({ storage, charter: false, integrityContent: false });
    const now = await fetch(`${server.url}/api/transparencia/auditoria.json`);
    expect(now.status).toBe(200);
    expect(await now.json()).toEqual([]);
    await server.close();

    // The next day (the server's clock moved on), today is over and published.
    server = await startServer({ storage, charter: false, integrityContent: false, transparency: { now: () => new Date(Date.now() + DAY_MS) } });
    const published = await fetch(`${server.url}/api/transparencia/auditoria.json`);
    expect(published.status).toBe(200);
    expect(published.headers.get('content-type')).toContain('application/json');
    const etag = published.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const body = await published.text();
    expect(JSON.parse(body)).toEqual([{ day: today, lastEntryId: rows.at(-1)!.id, hash: rows.at(-1)!.entry_hash, entries: rows.length }]);
    expect(body).not.toMatch(/pedido-|view_request/);
    expect((await fetch(`${server.url}/api/transparencia/auditoria.json`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    await server.close();
    await close(storage);

    // Someone kept a copy of the file; the verifier prints the same day's hash and agrees with the copy.
    const kept = join(db.dir, 'auditoria-publicada.json');
    writeFileSync(kept, body);
    const matches = await db.verify('--publicado', kept);
    expect(matches.code, matches.stderr).toBe(0);
    expect(matches.stdout).toContain(`${today}  #${rows.at(-1)!.id}  ${rows.at(-1)!.entry_hash}  (${rows.length} entrada(s))`);
    expect(matches.stdout).toContain('Os 1 dia(s) publicados conferem.');

    // The owner of the data rewrites an entry and recomputes every hash after it and the head: the chain
    // alone holds together again, but not against the copy of the published hash.
    storage = await db.open();
    await asSuperuserWithoutTriggers(storage, REWRITE_AND_RECHAIN(rows[1]!.id));
    expect(await verifyChain(storage), 'a full rechain is consistent in itself: only the published hash shows it').toMatchObject({ ok: true });
    await close(storage);
    const caught = await db.verify('--publicado', kept);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toContain(`o hash publicado do dia ${today} (entrada #${rows.at(-1)!.id}) não confere com o registro atual`);
  }, CLI_TIMEOUT_MS);
});

describe.each(BACKENDS.filter((backend) => backend === 'postgres'))('the audit log when the application connects as the tables\' owner (not a superuser) on %s', () => {
  const role = `audit_app_${randomBytes(5).toString('hex')}`;
  const schema = `test_audit_owner_${randomBytes(5).toString('hex')}`;
  let storage: Storage | undefined;

  afterAll(async () => {
    await storage?.close();
    await dropSchema(schema);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      if ((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount) await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await admin.end();
    }
  });

  it('UPDATE, DELETE and TRUNCATE are revoked from it; an owner can grant them back and turn its triggers off, and the chain then shows the gap', async () => {
    const adminUrl = new URL(process.env.TEST_DATABASE_URL!);
    const admin = new pg.Client({ connectionString: adminUrl.href });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
      await admin.query(`GRANT CREATE ON DATABASE ${adminUrl.pathname.slice(1)} TO ${role}`);
    } finally {
      await admin.end();
    }
    const appUrl = new URL(adminUrl.href);
    appUrl.username = role;
    appUrl.password = role;
    // The server runs the migrations as this role, so it owns the tables.
    storage = await openStorage({ databaseUrl: appUrl.href, schema });
    for (let i = 0; i < 5; i++) await audit(storage, { accountId: null, sessionId: null }, 'view_request', { target: `pedido-${i}` });
    const rows = await allRows(storage);
    const owner = await storage.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE schemaname = $1 AND tablename = 'staff_audit'`, [schema]);
    expect(owner.rows[0]!.owner).toBe(role);

    await expect(storage.query('TRUNCATE staff_audit')).rejects.toThrow(/permission denied/);
    await expect(storage.query(`UPDATE staff_audit SET target = 'nada'`)).rejects.toThrow(/permission denied/);
    await expect(storage.query('DELETE FROM staff_audit')).rejects.toThrow(/permission denied/);
    // Even with its own triggers off, the revoked privileges hold…
    await storage.query('ALTER TABLE staff_audit DISABLE TRIGGER USER');
    await expect(storage.query('DELETE FROM staff_audit WHERE id = $1', [rows[2]!.id])).rejects.toThrow(/permission denied/);
    expect(await allRows(storage)).toEqual(rows);

    // …until the owner grants itself DELETE again, which PostgreSQL allows an owner: then the chain is what tells.
    await storage.query(`GRANT DELETE ON staff_audit TO ${role}`);
    await storage.query('DELETE FROM staff_audit WHERE id = $1', [rows[2]!.id]);
    await storage.query('ALTER TABLE staff_audit ENABLE TRIGGER USER');
    expect(await verifyChain(storage)).toMatchObject({ ok: false, brokenId: rows[3]!.id, reason: expect.stringContaining('não aponta para a entrada anterior') });
  });
});

describe.each(BACKENDS)('migration 015 over an audit log an older version wrote, on %s', (backend: Backend) => {
  const schema = backend === 'postgres' ? `test_audit_legacy_${randomBytes(5).toString('hex')}` : 'public';
  let close: () => Promise<void> = async () => {};
  afterAll(async () => {
    await close();
    if (backend === 'postgres') await dropSchema(schema);
  });

  it('chains the existing entries in id order, and new entries go on from the last of them', async () => {
    let session: Session;
    if (backend === 'pglite') {
      const db = await PGlite.create('memory://');
      session = {
        query: async <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
          const result = await db.query<T>(sql, params as unknown[]);
          return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
        },
        exec: async (sql: string) => { await db.exec(sql); },
      };
      close = () => db.close();
    } else {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, options: `-c search_path=${schema}` });
      await client.connect();
      session = {
        query: async <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
          const result = await client.query<T>(sql, params as unknown[]);
          return { rows: result.rows, rowCount: result.rowCount ?? 0 };
        },
        exec: async (sql: string) => { await client.query(sql); },
      };
      close = () => client.end();
    }
    await migrate(session, schema, loadMigrations().filter((migration) => migration.name < '015'));
    // As the old code wrote them: times from each transaction's start, not in id order.
    await session.query(`INSERT INTO staff_audit (at, session_id, action, submission_id, target) VALUES
      ('2026-03-01T14:00:00Z', 'abc', 'view_request', '6f1c2a52-8d4e-4b7e-9a51-0c3f4e5d6a7b', NULL),
      ('2026-03-01T13:59:59.123456Z', NULL, 'login_failed', NULL, 'josé@exemplo.com.br'),
      ('2026-03-02T02:30:00Z', NULL, 'export', NULL, 'linha 1\nlinha 2: 🙂')`);
    const legacy = (await session.query<{ id: string }>('SELECT id::text AS id FROM staff_audit ORDER BY staff_audit.id')).rows.map((r) => r.id);

    expect(await migrate(session, schema)).toContain('015_audit_chain');
    const migrated = await verifyChain(session, { pageSize: 2 });
    expect(migrated).toMatchObject({ ok: true, entries: 3, lastId: legacy[2] });
    // Bahia days: 2026-03-02T02:30Z is still 1 March there.
    expect(migrated.ok && migrated.days.map((d) => [d.day, d.lastEntryId, d.entries])).toEqual([['2026-03-01', legacy[2], 3]]);

    await audit(session, { accountId: null, sessionId: null }, 'logout');
    const rows = await allRows(session);
    expect(rows.map((r) => r.id).slice(0, 3)).toEqual(legacy);
    expect(rows[3]!.prev_hash).toBe(rows[2]!.entry_hash);
    expect(await verifyChain(session)).toMatchObject({ ok: true, entries: 4, lastId: rows[3]!.id });
  });
});
