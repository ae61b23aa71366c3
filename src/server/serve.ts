import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { readCharterFile } from './charter-file.ts';
import { storageOptions, type ServerConfig } from './config.ts';
import { currentCharterHead, installCharter } from './storage/charter-store.ts';
import { openStorage } from './storage/open.ts';
import type { Storage } from './storage/types.ts';

export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  url: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Installed when the database has no charter yet (npm start's sample data). */
  charterFileIfEmpty?: string;
}

/** Opens the database, builds the app and listens; SIGINT/SIGTERM close both cleanly (PGlite flushes on close). */
export async function serve(config: ServerConfig, { charterFileIfEmpty }: ServeOptions = {}): Promise<RunningServer> {
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
    const app = await buildApp({
      storage,
      staticDir: config.staticDir,
      logger: { level: config.logLevel },
      rateLimit: config.rateLimitPerMinute > 0 ? { max: config.rateLimitPerMinute, timeWindow: '1 minute' } : false,
      trustProxy: config.trustProxy,
    });
    // Compress the charter before the first visitor asks for it.
    await app.inject({ url: '/api/charter', headers: { 'accept-encoding': 'br' } });
    await app.listen({ port: config.port, host: config.host });
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost}:${config.port}`;
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= (async () => {
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
