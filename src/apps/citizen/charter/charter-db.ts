import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { Charter } from '../../../shared/contract/charter.ts';

/** The charter the app shows, with what the server said about it. One row, slot "current". */
export interface StoredCharter {
  slot: 'current';
  charter: Charter;
  /** Strong ETag of the body, sent back as If-None-Match. */
  etag?: string;
  /** Size of the JSON as downloaded, shown on "Sobre". */
  bytes: number;
  /** When this version was written on the phone. */
  storedAt: string;
  /** When the server last confirmed it is current (200 or 304). */
  checkedAt: string;
}

export const CHARTER_DB_NAME = 'conecta-charter';

export class CharterDatabase extends Dexie {
  // `declare` keeps class-field initialisation from overwriting the tables Dexie defines.
  declare charters: EntityTable<StoredCharter, 'slot'>;

  constructor(options?: DexieOptions) {
    super(CHARTER_DB_NAME, options);
    this.version(1).stores({ charters: 'slot', forms: '[id+version], id' });
    // v2: the charter row is the one copy; a form session keeps the definition it started with in memory.
    this.version(2).stores({ forms: null });
  }
}

let shared: CharterDatabase | undefined;

export function charterDatabase(): CharterDatabase {
  shared ??= new CharterDatabase();
  return shared;
}
