/**
 * A stand-in for the server process, for tests/unit/watchdog.test.ts: starts the real watchdog, then
 * misbehaves as told by argv[2]:
 * - "busy": blocks its event loop in a busy loop (synchronous work that never yields);
 * - "hung-db": its database never answers (every query promise stays pending);
 * - "healthy": neither; it idles until killed (the watchdog must leave it alone).
 * argv[3] is the watchdog limit in ms.
 */
import { startWatchdog } from '../../src/server/http/watchdog.ts';
import type { QueryResult, Queryable, Row } from '../../src/server/storage/types.ts';

const mode = process.argv[2];
const limitMs = Number(process.argv[3] ?? 1000);
if (!['busy', 'hung-db', 'healthy'].includes(mode ?? '') || !(limitMs > 0)) {
  console.error('usage: watchdog-child.ts busy|hung-db|healthy LIMIT_MS');
  process.exit(2);
}

const answering: Queryable = { query: async <T extends Row>() => ({ rows: [] as T[], rowCount: 0 }) as QueryResult<T> };
const neverAnswering: Queryable = { query: <T extends Row>() => new Promise<QueryResult<T>>(() => {}) };

startWatchdog(mode === 'hung-db' ? neverAnswering : answering, limitMs);
// The watchdog's own timers are unref'd; a server is kept alive by its listening socket, this by a timer.
setInterval(() => {}, 60_000);

// Let the watchdog see a few healthy heartbeats first.
setTimeout(() => {
  console.log(`ready ${mode}`);
  if (mode === 'busy') {
    const started = Date.now();
    let spins = 0;
    // A busy loop that never yields to the event loop (as PGlite spinning after a failed write would).
    for (;;) {
      spins++;
      if (spins % 1e8 === 0 && Date.now() - started > 10 * 60_000) break;
    }
  }
}, Math.min(500, limitMs / 2));
