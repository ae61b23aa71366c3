/**
 * Encryption at rest for the integrity channel. Contents (answers, messages, files) are sealed with
 * AES-256-GCM under INTEGRITY_KEY, a key held outside the database, so a dump of the database alone
 * reveals nothing. Each row names the key that sealed it (its id: a hash prefix, not the key), so the key
 * can be rotated: set the new one as INTEGRITY_KEY and the old one as INTEGRITY_KEY_PREVIOUS, and run
 * `npm run integrity:rotate-key`, which re-seals every row with the new key.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Sealed {
  keyId: string;
  blob: Buffer;
}

export class IntegrityKeys {
  readonly #keys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    if (current.length !== 32) throw new Error('INTEGRITY_KEY must be 32 bytes (base64 or hex).');
    this.currentId = keyIdOf(current);
    this.#keys.set(this.currentId, current);
    for (const key of previous) if (key.length === 32) this.#keys.set(keyIdOf(key), key);
  }

  seal(plaintext: Buffer | string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.currentId)!, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.currentId, blob: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  open({ keyId, blob }: Sealed): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`No integrity key ${keyId}: set it as INTEGRITY_KEY_PREVIOUS to read rows sealed with it.`);
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  }

  openJson<T>(sealed: Sealed): T {
    return JSON.parse(this.open(sealed).toString('utf8')) as T;
  }
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

/**
 * The keys from the environment; without INTEGRITY_KEY (a developer's machine, `npm start`), a key file
 * in KEY_DIR (key-file.ts: outside DATA_DIR) made on first start with owner-only permissions.
 */
export function loadIntegrityKeys(env: NodeJS.ProcessEnv, keyFile: string): IntegrityKeys {
  const previous = (env.INTEGRITY_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean).map(parseKey);
  if (env.INTEGRITY_KEY) return new IntegrityKeys(parseKey(env.INTEGRITY_KEY), previous);
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    // Written whole beside it, then linked in: two servers starting at once (tests, a restart loop) never
    // read a half-written key, and the first one's key wins.
    const draft = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  chmodSync(keyFile, 0o600);
  return new IntegrityKeys(parseKey(readFileSync(keyFile, 'utf8')), previous);
}

/**
 * The receipt, kept for a week only so that a phone whose first answer was lost can be told it again: sealed
 * with a key derived from the phone's own report id, which the server does not keep (only its hash).
 */
export function sealForRetry(clientId: string, receipt: string): Buffer {
  const key = Buffer.from(hkdfSync('sha256', clientId, 'conecta-integridade', 'recibo', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(receipt), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openForRetry(clientId: string, blob: Buffer): string | null {
  try {
    const key = Buffer.from(hkdfSync('sha256', clientId, 'conecta-integridade', 'recibo', 32));
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
