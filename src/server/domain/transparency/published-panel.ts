/**
 * The published panel: the newest row of transparency_snapshots, and the files served from it (the
 * panel, the services, the open data in CSV and JSON, the data dictionary), each with a strong ETag and
 * compressed once.
 *
 * A background check every 30 s compares a cheap token of the data (the charter, the day, the newest
 * status-history and staff-event ids) with the token stored beside the newest snapshot;
 * when it changed, or when the snapshot is an hour old (the rolling windows move), it recomputes. The
 * token lives in the database, so several servers on one PostgreSQL do not all recompute the same data,
 * and a restart does not either.
 */
import { createHash } from 'node:crypto';
import { bahiaDay } from '../../../shared/dates.ts';
import type { Charter } from '../../../shared/contract/charter.ts';
import { DATA_DICTIONARY, servicesOf, summaryOf, type PanelSnapshot } from '../../../shared/contract/transparency.ts';
import { compressOnce, type CharterCache, type CompressedBodies } from '../current-charter.ts';
import type { Storage } from '../../storage/types.ts';
import { insertSnapshot, latestChangeIds, newestSnapshotId, newestSnapshotStamp, snapshotBody } from '../../storage/panel-store.ts';
import type { VersionedFile } from '../../http/versioned-file.ts';
import { openDataRows, toCsv } from './open-data.ts';
import { computeSnapshot } from './snapshot.ts';


export interface PublishedPanel {
  id: number;
  snapshot: PanelSnapshot;
  files: {
    summary: VersionedFile;
    services: VersionedFile;
    csv: VersionedFile;
    json: VersionedFile;
    dictionary: VersionedFile;
  };
}

const HOUR_MS = 3_600_000;
/** Snapshots older than this are deleted (the newest is always kept). */
const KEEP_MS = 2 * 24 * HOUR_MS;

function served(text: string, contentType: string): VersionedFile {
  const body = Buffer.from(text, 'utf8');
  let compressed: Promise<CompressedBodies> | undefined;
  return {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
    contentType,
    compressed: () => (compressed ??= compressOnce(body)),
  };
}

function filesOf(snapshot: PanelSnapshot): PublishedPanel['files'] {
  const rows = openDataRows(snapshot);
  return {
    summary: served(JSON.stringify(summaryOf(snapshot)), 'application/json; charset=utf-8'),
    services: served(JSON.stringify(servicesOf(snapshot)), 'application/json; charset=utf-8'),
    csv: served(toCsv(rows), 'text/csv; charset=utf-8'),
    json: served(JSON.stringify({ computedAt: snapshot.computedAt, rows }), 'application/json; charset=utf-8'),
    dictionary: served(JSON.stringify(DATA_DICTIONARY), 'application/json; charset=utf-8'),
  };
}

export interface PanelOptions {
  /** How often the data is checked for changes (default 30 s). */
  checkEveryMs?: number;
  /** The oldest a snapshot may be before it is recomputed anyway (default 1 h). */
  maxAgeMs?: number;
  now?: () => Date;
}

export class TransparencyPanel {
  #published: { id: number; value: PublishedPanel } | null = null;
  #refreshing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #checkEveryMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => Date;

  constructor(private readonly storage: Storage, private readonly charters: CharterCache, options: PanelOptions = {}) {
    this.#checkEveryMs = options.checkEveryMs ?? 30_000;
    this.#maxAgeMs = options.maxAgeMs ?? HOUR_MS;
    this.#now = options.now ?? (() => new Date());
  }

  async #token(charterId: number): Promise<string> {
    // Integrity reports are not in it: they count only for days that are over, which the day in the token
    // covers (a new report must not set off a recomputation that would time its arrival).
    const latest = await latestChangeIds(this.storage);
    return `${charterId}:${bahiaDay(this.#now())}:${latest.history}:${latest.events}`;
  }

  /** Recomputes when the data changed or the newest snapshot is too old; one at a time. */
  refresh(options: { force?: boolean } = {}): Promise<void> {
    this.#refreshing ??= this.#refresh(options.force ?? false).finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  async #refresh(force: boolean): Promise<void> {
    const current = await this.charters.current();
    if (!current) return;
    const token = await this.#token(current.id);
    const newest = await newestSnapshotStamp(this.storage);
    const now = this.#now();
    if (!force && newest && newest.token === token && now.getTime() - newest.computed_at.getTime() < this.#maxAgeMs) return;
    const snapshot = await computeSnapshot(this.storage, current.charter as Charter, now);
    const body = JSON.stringify(snapshot);
    await this.storage.transaction((tx) => insertSnapshot(tx, now, token, body, new Date(now.getTime() - KEEP_MS)));
  }

  /** The newest snapshot, computed first if there is none yet (the first request after installation). */
  async current(): Promise<PublishedPanel | null> {
    let head = await newestSnapshotId(this.storage);
    if (!head) {
      await this.refresh({ force: true });
      head = await newestSnapshotId(this.storage);
      if (!head) return null;
    }
    if (this.#published?.id !== head) {
      const row = await snapshotBody(this.storage, head);
      if (!row) return this.#published?.value ?? null;
      const snapshot = JSON.parse(row.body) as PanelSnapshot;
      this.#published = { id: row.id, value: { id: row.id, snapshot, files: filesOf(snapshot) } };
    }
    return this.#published.value;
  }

  /** Starts the background check (never keeps the process alive). */
  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.refresh().catch(() => undefined).finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, this.#checkEveryMs).unref();
      });
    };
    this.#timer = setTimeout(tick, this.#checkEveryMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#refreshing?.catch(() => undefined);
  }
}
