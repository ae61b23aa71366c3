/**
 * Two watchdogs, so that a wedged process is restarted by its supervisor instead of answering nothing:
 * - the event loop: a worker thread expects a heartbeat every second; if the main thread is stuck in
 *   synchronous work (PGlite spinning after a write failed), the worker kills the process (SIGKILL from
 *   inside is the one exit a stuck loop cannot block);
 * - the database: a probe query every few seconds; if none has answered for the limit, the process exits 70.
 */
import { Worker } from 'node:worker_threads';
import type { Queryable } from '../storage/types.ts';

// A worker's process.stderr is relayed through the main thread, which is the one that is stuck: the
// message is written straight to file descriptor 2 instead, or nobody would ever learn why the process died.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let last = Date.now();
parentPort.on('message', () => { last = Date.now(); });
setInterval(() => {
  if (Date.now() - last > workerData.limitMs) {
    try {
      writeSync(2, 'watchdog: the event loop has not answered for ' + Math.round((Date.now() - last) / 1000) + ' s; exiting so a supervisor restarts the server\\n');
    } catch {}
    process.kill(process.pid, 'SIGKILL');
  }
}, Math.min(1000, workerData.limitMs / 4));
`;

export interface Watchdog {
  stop(): Promise<void>;
  /** Epoch ms of the last database answer (health reports the database unresponsive when it is old). */
  lastDatabaseAnswer(): number;
}

export function startWatchdog(db: Queryable, limitMs: number, options: { probeEveryMs?: number; onDatabaseHung?: () => void } = {}): Watchdog {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { limitMs } });
  worker.unref();
  const beat = setInterval(() => worker.postMessage(0), Math.min(1000, limitMs / 4));
  beat.unref();

  let lastAnswer = Date.now();
  let probing = false;
  const probeEvery = options.probeEveryMs ?? Math.min(5000, limitMs / 4);
  const probe = setInterval(() => {
    if (Date.now() - lastAnswer > limitMs) {
      (options.onDatabaseHung ?? (() => {
        console.error(`watchdog: the database has not answered for ${Math.round((Date.now() - lastAnswer) / 1000)} s; exiting so a supervisor restarts the server`);
        process.exit(70);
      }))();
      return;
    }
    if (probing) return;
    probing = true;
    db.query('SELECT 1').then(() => { lastAnswer = Date.now(); }, () => undefined).finally(() => { probing = false; });
  }, probeEvery);
  probe.unref();

  return {
    lastDatabaseAnswer: () => lastAnswer,
    stop: async () => {
      clearInterval(beat);
      clearInterval(probe);
      await worker.terminate();
    },
  };
}
