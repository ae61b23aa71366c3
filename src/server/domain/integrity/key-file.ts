/**
 * Where the integrity key file lives when INTEGRITY_KEY is not set: a folder of its own (KEY_DIR, default
 * ./.keys), never inside DATA_DIR. A copy of the database's folder (a backup, a leaked disk) must not carry
 * the key that opens the sealed reports beside them. A key file left by an older version in
 * DATA_DIR/integrity.key is moved there once, with a warning.
 */
import { existsSync, mkdirSync, renameSync, copyFileSync, unlinkSync } from 'node:fs';
import { join, relative, resolve, isAbsolute, sep } from 'node:path';

export const KEY_FILE_NAME = 'integrity.key';

/** True when `inner` is `outer` itself or lies anywhere below it. */
export function isInside(inner: string, outer: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  // '..' as a whole segment only: a folder named '..keys' inside `outer` is inside it.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export interface KeyFileChoice {
  file: string;
  /** Plain sentences for the operator, logged at start. */
  warnings: string[];
}

export function integrityKeyFile(dataDir: string, keyDir: string, env: NodeJS.ProcessEnv = process.env): KeyFileChoice {
  const warnings: string[] = [];
  const file = join(keyDir, KEY_FILE_NAME);
  if (env.INTEGRITY_KEY) return { file, warnings };
  const old = join(dataDir, KEY_FILE_NAME);
  if (existsSync(old) && !existsSync(file) && !isInside(keyDir, dataDir)) {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    try {
      renameSync(old, file);
    } catch {
      // Another file system: copy, then remove the old one (never leave the key in both places).
      copyFileSync(old, file);
      unlinkSync(old);
    }
    warnings.push(`The integrity key file was moved from ${old} to ${file} (KEY_DIR): keep it out of the database's backups.`);
  } else if (existsSync(old) && existsSync(file)) {
    warnings.push(`An old integrity key file remains at ${old}, beside the database; the one in use is ${file}. Remove the old one once no row needs it.`);
  }
  if (isInside(file, dataDir)) {
    warnings.push(`The integrity key file ${file} lies inside DATA_DIR (${dataDir}): a copy of the database's folder would carry the key. Set KEY_DIR to a folder outside it, or set INTEGRITY_KEY.`);
  }
  return { file, warnings };
}
