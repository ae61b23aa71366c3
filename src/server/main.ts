/** `npm run serve`: the production entry. Serves dist/ as built; never builds, never installs sample data. */
import { readConfig } from './config.ts';
import { serve } from './serve.ts';

const server = await serve(readConfig());
console.log(`Conecta Conquista listening on ${server.url} (database: ${server.storage.kind})`);
