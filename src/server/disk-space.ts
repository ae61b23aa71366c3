/**
 * The free-space floor of the folder this process writes to. Below it every write answers 507 before
 * touching the database: PGlite that hits a full disk mid-write can wedge for good, while an early "come
 * back later" costs nothing (the phone keeps the record and retries). Reads go on as usual.
 */
import { statfs } from 'node:fs/promises';

export class DiskSpace {
  #checkedAt = 0;
  #low: Promise<boolean> | null = null;

  constructor(private readonly dir: string | undefined, private readonly minFreeBytes: number, private readonly maxAgeMs = 500) {}

  /** Whether free space is under the floor; the answer is kept for half a second (statfs is cheap, not free). */
  isLow(now = Date.now()): Promise<boolean> {
    if (!this.dir || this.minFreeBytes <= 0) return Promise.resolve(false);
    if (this.#low && now - this.#checkedAt < this.maxAgeMs) return this.#low;
    this.#checkedAt = now;
    this.#low = statfs(this.dir).then(
      (stats) => stats.bavail * stats.bsize < this.minFreeBytes,
      () => false,
    );
    return this.#low;
  }
}
