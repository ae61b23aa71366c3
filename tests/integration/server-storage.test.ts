import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, dropSchema, fixtureCharter } from '../support/server.ts';
import { loadMigrations } from '../../src/server/storage/migrate.ts';
import { currentCharterHead, installCharter } from '../../src/server/storage/charter-store.ts';
import { openStorage } from '../../src/server/storage/open.ts';

describe('embedded PGlite storage', () => {
  it('persists in DATA_DIR, migrates once, and refuses a second opener while in use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conecta-pglite-'));
    try {
      const first = await openStorage({ dataDir: dir });
      await installCharter(first, fixtureCharter());
      await expect(openStorage({ dataDir: dir })).rejects.toThrow(/in use/);
      await first.close();

      const reopened = await openStorage({ dataDir: dir });
      try {
        expect(reopened.kind).toBe('pglite');
        expect(await currentCharterHead(reopened)).not.toBeNull();
        const applied = await reopened.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
        expect(applied.rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restarts when the stale lock holds its own PID (a container restarted after a crash gets the same PID)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conecta-pglite-'));
    try {
      const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(`${join(dir, 'pglite')}.lock`, `${process.pid} ${startTime}`);
      const storage = await openStorage({ dataDir: dir });
      // While this process holds it, a second opener in the same process is still refused.
      await expect(openStorage({ dataDir: dir })).rejects.toThrow(/in use by this process/);
      await storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a lock held by a live process, and takes over one whose PID now belongs to another process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conecta-pglite-'));
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(`${join(dir, 'pglite')}.lock`, `${child.pid} ${startTime}`);
      await expect(openStorage({ dataDir: dir })).rejects.toThrow(new RegExp(`in use by process ${child.pid}`));
      // The same PID with another start time: the PID was reused, the lock is stale.
      writeFileSync(`${join(dir, 'pglite')}.lock`, `${child.pid} 1`);
      const storage = await openStorage({ dataDir: dir });
      await storage.close();
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conecta-pglite-'));
    try {
      writeFileSync(`${join(dir, 'pglite')}.lock`, '999999999');
      const storage = await openStorage({ dataDir: dir });
      await storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// PostgreSQL only when TEST_DATABASE_URL is set (an empty list defines no test, rather than a skipped one).
describe.each(BACKENDS.filter((backend) => backend === 'postgres'))('%s storage', () => {
  it('migrates once when several processes start at once on one database', async () => {
    const schema = `test_migrate_${randomBytes(5).toString('hex')}`;
    const databaseUrl = process.env.TEST_DATABASE_URL!;
    try {
      const storages = await Promise.all(Array.from({ length: 5 }, () => openStorage({ databaseUrl, schema })));
      try {
        const applied = await storages[0]!.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
        expect(applied.rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
        expect(storages.every((s) => s.kind === 'postgres')).toBe(true);
      } finally {
        await Promise.all(storages.map((s) => s.close()));
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
