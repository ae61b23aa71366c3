import { formatSoakResult, runSoak } from './soak.ts';
const t = performance.now();
const r = await runSoak({ devices: 3, submissions: 30, photos: 6, seed: 2, restarts: 0, latencyMs: [0, 50], stallMs: 4000, requestTimeoutMs: 1500, enqueueSpanMs: 3000, timeScale: 100, drainDeadlineMs: 60000, log: (l) => console.log(l) });
console.log(formatSoakResult(r));
console.log('returned at', Math.round(performance.now() - t));
const h = (process as any)._getActiveHandles(); console.log(h.map((x: any) => x.constructor.name));
process.on('exit', () => console.log('exit at', Math.round(performance.now() - t)));
