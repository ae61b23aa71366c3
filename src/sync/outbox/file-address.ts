/**
 * File addresses. A photo is stored and uploaded under SHA-256(device salt ‖ bytes): the server can check the
 * bytes against it (the salt travels with the upload), but someone who merely holds a copy of the same
 * document cannot compute the address and ask the server whether it was filed.
 */
import type { OutboxDb } from './db.ts';

const SALT_KEY = 'fileAddressSalt';

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Plain hex SHA-256. */
export async function sha256Hex(data: Blob | ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  return toHex(await crypto.subtle.digest('SHA-256', bytes as ArrayBuffer));
}

/** SHA-256(salt ‖ bytes), hex. */
export async function attachmentAddress(saltHex: string, data: Blob | ArrayBuffer): Promise<string> {
  const bytes = new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
  const salt = fromHex(saltHex);
  const joined = new Uint8Array(salt.length + bytes.length);
  joined.set(salt);
  joined.set(bytes, salt.length);
  return sha256Hex(joined);
}

/** This device's salt: 32 random bytes made once, kept in the outbox database (erased with "Apagar meus dados"). */
export async function deviceSalt(db: OutboxDb): Promise<string> {
  const existing = await db.meta.get(SALT_KEY);
  if (existing) return existing.value;
  return db.transaction('rw', db.meta, async () => {
    const raced = await db.meta.get(SALT_KEY);
    if (raced) return raced.value;
    const value = toHex(crypto.getRandomValues(new Uint8Array(32)));
    await db.meta.put({ key: SALT_KEY, value });
    return value;
  });
}

/** The address a file gets on this device. */
export async function fileAddress(db: OutboxDb, data: Blob | ArrayBuffer): Promise<string> {
  return attachmentAddress(await deviceSalt(db), data);
}
