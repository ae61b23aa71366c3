import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Charter, Service } from '../../shared/contract/charter.ts';
import type { FormDefinition } from '../../shared/contract/forms.ts';
import { currentCharterHead, findFormVersion, loadCharter } from '../storage/charter-store.ts';
import type { Storage } from '../storage/types.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export interface CompressedBodies {
  br: Buffer;
  gzip: Buffer;
}

export interface CurrentCharter {
  id: number;
  version: string;
  /** Strong validator: the quoted sha256 of the served bytes. */
  etag: string;
  charter: Charter;
  body: Buffer;
  services: ReadonlyMap<string, Service>;
  /** Compressed once per charter version, on first use, and kept in memory. */
  compressed(): Promise<CompressedBodies>;
}

export async function compressOnce(body: Buffer): Promise<CompressedBodies> {
  // Quality 11 takes seconds on a multi-megabyte charter; 9 is nearly as small and far faster.
  const quality = body.length > 1_000_000 ? 9 : 11;
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzipAsync(body, { level: 9 }),
  ]);
  return { br, gzip: gz };
}

/**
 * The current charter as this process knows it. Each use asks the database for the newest version id
 * (cheap), so a charter installed by another process or a CLI is served at once; the body is parsed and
 * compressed only when that id changes. Form versions are immutable, so they are cached forever.
 */
export class CharterCache {
  #loaded: { id: number; value: Promise<CurrentCharter | null> } | null = null;
  readonly #forms = new Map<string, FormDefinition>();

  constructor(private readonly storage: Storage) {}

  async current(): Promise<CurrentCharter | null> {
    const head = await currentCharterHead(this.storage);
    if (!head) {
      this.#lastVersion = null;
      return null;
    }
    if (this.#loaded?.id !== head.id) {
      const value = this.#load(head.id);
      this.#loaded = { id: head.id, value };
      value.catch(() => { if (this.#loaded?.value === value) this.#loaded = null; });
    }
    const current = await this.#loaded.value;
    this.#lastVersion = current?.version ?? null;
    return current;
  }

  /** The version the last look at the database found (health reads it without waiting on the database). */
  lastKnownVersion(): string | null {
    return this.#lastVersion;
  }

  #lastVersion: string | null = null;

  async #load(id: number): Promise<CurrentCharter | null> {
    const record = await loadCharter(this.storage, id);
    if (!record) return null;
    const charter = JSON.parse(record.body) as Charter;
    const body = Buffer.from(record.body, 'utf8');
    let compressed: Promise<CompressedBodies> | undefined;
    return {
      id: record.id,
      version: record.version,
      etag: `"${record.sha256}"`,
      charter,
      body,
      services: new Map(charter.services.map((service) => [service.id, service])),
      compressed: () => (compressed ??= compressOnce(body)),
    };
  }

  async formVersion(formId: string, version: number): Promise<FormDefinition | null> {
    const key = `${formId}@${version}`;
    const cached = this.#forms.get(key);
    if (cached) return cached;
    const form = await findFormVersion(this.storage, formId, version);
    if (form) this.#forms.set(key, form);
    return form;
  }
}
