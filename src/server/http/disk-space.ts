/**
 * The free-space floor of the folder this process writes to. Below it every write answers 507 before
 * touching the database: PGlite that hits a full disk mid-write can wedge for good, while an early "come
 * back later" costs nothing (the phone keeps the record and retries). Reads go on as usual.
 */
import { statfsSync } from 'node:fs';

export class DiskSpace {
  #checkedAt = 0;
  #low = false;

  constructor(private readonly dir: string | undefined, private readonly minFreeBytes: number, private readonly maxAgeMs = 100) {}

  /**
   * Whether free space is under the floor; the answer is kept for 100 ms. statfs is a microsecond
   * system call made synchronously on purpose: through the thread pool it would queue behind the disk
   * writes of every upload in flight, and a health check would wait seconds for it.
   */
  isLow(now = Date.now()): boolean {
    if (!this.dir || this.minFreeBytes <= 0) return false;
    if (now - this.#checkedAt < this.maxAgeMs) return this.#low;
    this.#checkedAt = now;
    try {
      const stats = statfsSync(this.dir);
      this.#low = stats.bavail * stats.bsize < this.minFreeBytes;
    } catch {
      this.#low = false;
    }
    return this.#low;
  }
}
