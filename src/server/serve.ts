import type { FastifyInstance } from 'fastify';
import { buildApp, LISTEN_TEXT } from './app.ts';
import { readCharterFile } from './domain/charter-file.ts';
import { join } from 'node:path';
import { loadIntegrityKeys } from './domain/integrity/crypto.ts';
import { integrityKeyFile } from './domain/integrity/key-file.ts';
import { forgetRetryReceipts } from './domain/integrity/reports.ts';
import { hasContent, installContent, readContentFile } from './domain/integrity/content.ts';
import { vapidKeys } from './domain/push.ts';
import { storageOptions, type ServerConfig } from './config.ts';
import { sweepOrphanAttachments } from './storage/attachment-store.ts';
import { currentCharterHead, installCharter } from './storage/charter-store.ts';
import { openStorage } from './storage/open.ts';
import type { Storage } from './storage/types.ts';
import { startWatchdog } from './http/watchdog.ts';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Uploads no submission cites, older than the grace period, are deleted (a phone that uploaded a photo and
 * then lost the record, or anyone uploading junk); then stray files with no row at all.
 */
export function startOrphanSweeper(storage: Storage, orphanFileDays: number, log: (message: string) => void): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const rows = await sweepOrphanAttachments(storage, new Date(Date.now() - orphanFileDays * DAY_MS));
      const strays = await storage.files.sweepStrays(storage, DAY_MS);
      // A week on, an integrity report's receipt can no longer be told again, even to a retry.
      await forgetRetryReceipts(storage);
      if (rows || strays) log(`Deleted ${rows} uploaded file(s) no submission cites (older than ${orphanFileDays} days) and ${strays} stray file(s).`);
    } catch {
      // Tried again at the next hour.
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void sweep(), 60_000);
  const hourly = setInterval(() => void sweep(), HOUR_MS);
  first.unref();
  hourly.unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  url: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Installed when the database has no charter yet (npm start's sample data). */
  charterFileIfEmpty?: string;
  /** Likewise for the Code of Ethics and Integrity Plan. */
  integrityContentFileIfEmpty?: string;
}

/** Opens the database, builds the app and listens; SIGINT/SIGTERM close both cleanly (PGlite flushes on close). */
export async function serve(config: ServerConfig, { charterFileIfEmpty, integrityContentFileIfEmpty }: ServeOptions = {}): Promise<RunningServer> {
  const storage = await openStorage(storageOptions(config));
  try {
    if (!(await currentCharterHead(storage))) {
      if (charterFileIfEmpty) {
        const read = readCharterFile(charterFileIfEmpty);
        if (!read.ok) throw new Error(`${charterFileIfEmpty} is not a valid charter: ${JSON.stringify(read.fields)}`);
        const installed = await installCharter(storage, read.charter);
        console.log(`Installed charter ${installed.version} from ${charterFileIfEmpty} (${read.charter.services.length} services).`);
      } else {
        console.warn('No charter installed yet: run `npm run charter:import -- FILE.json`. /api/charter answers 503 until then.');
      }
    }
    if (integrityContentFileIfEmpty && !(await hasContent(storage))) {
      const read = readContentFile(integrityContentFileIfEmpty);
      if (!read.ok) throw new Error(`${integrityContentFileIfEmpty} is not a valid integrity document: ${JSON.stringify(read.fields)}`);
      await installContent(storage, read.content);
      console.log(`Installed the Code of Ethics and Integrity Plan ${read.content.version} from ${integrityContentFileIfEmpty}.`);
    }
    // Without INTEGRITY_KEY, the key file lives in KEY_DIR, outside the database's folder.
    const keyFile = integrityKeyFile(config.dataDir, config.keyDir);
    for (const warning of keyFile.warnings) console.warn(warning);
    const app = await buildApp({
      storage,
      staticDir: config.staticDir,
      logger: { level: config.logLevel },
      rateLimit: config.rateLimitPerMinute > 0 ? { max: config.rateLimitPerMinute, timeWindow: '1 minute' } : false,
      trustProxy: config.trustProxy,
      minFreeBytes: config.minFreeBytes,
      hsts: config.hsts,
      limits: config.limits,
      push: config.push,
      integrityKeys: loadIntegrityKeys(process.env, keyFile.file),
    });
    // Made on first start and kept: phones subscribe with the public half.
    await vapidKeys(storage);
    // Compress the charter before the first visitor asks for it.
    await app.inject({ url: '/api/charter', headers: { 'accept-encoding': 'br' } });
    await app.listen({ port: config.port, host: config.host, listenTextResolver: LISTEN_TEXT });
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost}:${config.port}`;
    const watchdog = config.watchdogSeconds > 0 ? startWatchdog(storage, config.watchdogSeconds * 1000) : undefined;
    const stopSweeper = startOrphanSweeper(storage, config.orphanFileDays, (message) => app.log.info(message));
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= (async () => {
      stopSweeper();
      await watchdog?.stop();
      await app.close();
      await storage.close();
    })());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => { void stop().then(() => process.exit(0), () => process.exit(1)); });
    }
    return { app, storage, url, stop };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
