/**
 * The hourly sweep of the file store: files no attachment row names are removed once old enough (and old
 * leftovers in tmp/), files a row names stay, young files stay; and the sweep asks the database once per
 * folder, not once per file (a store holds one file per photo ever received). Files on disk are the embedded
 * database's way (PGlite); on PostgreSQL the bytes live in the database and there is nothing to sweep.
 */
import { mkdirSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countingStorage } from '../support/counting-storage.ts';
import { openTestStorage, type TestStorage } from '../support/server.ts';

const DAY_MS = 86_400_000;
const hash = (n: number) => n.toString(16).padStart(64, 'a');

describe('the file sweep (PGlite, files on disk)', () => {
  let opened: TestStorage | undefined;
  afterEach(async () => {
    await opened?.dispose();
    opened = undefined;
  });

  it('removes old strays and tmp leftovers, keeps named and young files, with one query per folder', async () => {
    opened = await openTestStorage('pglite');
    const { storage } = opened;
    const root = (storage.files as unknown as { root: string }).root;
    expect(typeof root).toBe('string');
    const old = (Date.now() - 3 * DAY_MS) / 1000;
    const place = (dir: string, name: string, age: 'old' | 'young') => {
      mkdirSync(join(root, dir), { recursive: true });
      const path = join(root, dir, name);
      writeFileSync(path, 'x');
      if (age === 'old') utimesSync(path, old, old);
      return path;
    };
    const named = [1, 2, 3].map((n) => hash(n));
    for (const sha256 of named) await storage.query("INSERT INTO attachments (sha256, type, size) VALUES ($1, 'image/jpeg', 1)", [sha256]);
    const kept = named.map((sha256) => place(sha256.slice(0, 2), sha256, 'old'));
    const strays = [10, 11, 12, 13].map((n) => place(hash(n).slice(0, 2), hash(n), 'old'));
    const young = place(hash(20).slice(0, 2), hash(20), 'young');
    const leftover = place('tmp', 'upload-123', 'old');

    const counted = countingStorage(storage);
    const removed = await storage.files.sweepStrays(counted.storage, DAY_MS);

    expect(removed).toBe(strays.length + 1);
    for (const path of [...strays, leftover]) expect(existsSync(path)).toBe(false);
    for (const path of [...kept, young]) expect(existsSync(path)).toBe(true);
    // Every file above sits in the folder 'aa' (or tmp/, which asks nothing): one query, not seven.
    expect(counted.queries()).toBe(1);
  });
});
