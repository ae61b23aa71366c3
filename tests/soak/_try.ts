import { formatSoakResult, runSoak } from './soak.ts';
const z = { refuse: 0, cut_request: 0, lose_response: 0.3, status_500: 0, status_502: 0, status_503: 0, stall: 0 };
const r = await runSoak({ devices: 2, submissions: 30, photos: 4, seed: 3, restarts: 0, weights: z, latencyMs: [0, 50], stallMs: 4000, requestTimeoutMs: 1500, enqueueSpanMs: 3000, timeScale: 100, drainDeadlineMs: 60000 });
console.log(formatSoakResult(r));
