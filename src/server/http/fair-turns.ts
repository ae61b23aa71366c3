/**
 * Heavy synchronous steps (parsing a large body, validating a slice of a batch) run one per turn of the
 * event loop. Forty hostile 2 MB batches arriving together would otherwise run back to back in one poll
 * phase and hold every other client, /api/health included, for seconds; taking turns lets timers and
 * other sockets in between every step.
 */
const queue: (() => void)[] = [];
let draining = false;

function drainOne(): void {
  queue.shift()?.();
  if (queue.length) setImmediate(drainOne);
  else draining = false;
}

export function inTurn<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(error);
      }
    });
    if (!draining) {
      draining = true;
      setImmediate(drainOne);
    }
  });
}
