/**
 * `npm run integrity:rotate-key`: re-seals every integrity report, message and file with the current
 * INTEGRITY_KEY. Rotation: generate a new key (`openssl rand -base64 32`), set it as INTEGRITY_KEY and the old
 * one as INTEGRITY_KEY_PREVIOUS, run this, then drop INTEGRITY_KEY_PREVIOUS. Without INTEGRITY_KEY the key
 * file in KEY_DIR is used, as the server does.
 */
import { readConfig } from '../config.ts';
import { CharterCache } from '../domain/current-charter.ts';
import { loadIntegrityKeys } from '../domain/integrity/crypto.ts';
import { integrityKeyFile } from '../domain/integrity/key-file.ts';
import { rotateKeys } from '../domain/integrity/key-rotation.ts';
import { openCliStorage } from './open-cli-storage.ts';

const config = readConfig();
const keyFile = integrityKeyFile(config.dataDir, config.keyDir);
for (const warning of keyFile.warnings) console.warn(warning);
const keys = loadIntegrityKeys(process.env, keyFile.file);
const storage = await openCliStorage();
try {
  const count = await rotateKeys({ storage, charters: new CharterCache(storage), keys });
  console.log(`${count} registro(s) selado(s) de novo com a chave ${keys.currentId}.`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await storage.close();
}
