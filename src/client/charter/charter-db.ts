import Dexie, { type DexieOptions, type EntityTable, type Table } from 'dexie';
import type { Charter, FormDefinition } from '../../shared/schemas.ts';

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

/** Every form version ever received, so a draft started on an old version can still be shown and sent. */
export interface StoredForm {
  id: string;
  version: number;
  definition: FormDefinition;
  storedAt: string;
}

export const CHARTER_DB_NAME = 'conecta-charter';

export class CharterDatabase extends Dexie {
  // `declare` keeps class-field initialisation from overwriting the tables Dexie defines.
  declare charters: EntityTable<StoredCharter, 'slot'>;
  declare forms: Table<StoredForm, [string, number]>;

  constructor(options?: DexieOptions) {
    super(CHARTER_DB_NAME, options);
    this.version(1).stores({ charters: 'slot', forms: '[id+version], id' });
  }
}

let shared: CharterDatabase | undefined;

export function charterDatabase(): CharterDatabase {
  shared ??= new CharterDatabase();
  return shared;
}
