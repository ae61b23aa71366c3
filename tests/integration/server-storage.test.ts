import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, dropSchema, fixtureCharter } from '../helpers/server.ts';
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
