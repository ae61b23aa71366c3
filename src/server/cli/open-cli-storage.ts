import { readConfig, storageOptions } from '../config.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/types.ts';

/** Opens the configured database for a CLI; a refusal (e.g. the server holds the embedded database) ends the run with its reason. */
export async function openCliStorage(): Promise<Storage> {
  try {
    return await openStorage(storageOptions(readConfig()));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
