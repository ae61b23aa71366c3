/**
 * Bytes on the wire, counted at the TCP level between the client and the real server (both directions,
 * headers included, no TLS):
 * - first visit: headless Chromium opens the built app until the charter is stored and the service worker
 *   controls the page (HTML, JS, CSS, manifest, icons, the compressed charter, the service worker and
 *   everything it precaches);
 * - repeat visit: the same browser profile opens the app again with the charter unchanged (304);
 * - a day of field work: the real outbox and sync engine send 30 submissions, 10 with a photo of the
 *   app's photo target size, one drain per submission as they are made through the day.
 * `npm run bench:wire` prints them alone; tests/bench/all.ts puts them in the table.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openOutboxDb } from '../../src/sync/outbox/db.ts';
import { drainOutbox } from '../../src/sync/drain/loop.ts';
import { enqueueSubmission } from '../../src/sync/outbox/enqueue.ts';
import { PHOTO_TARGET_BYTES } from '../../src/apps/citizen/forms/photo-size.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../support/app-charter.ts';
import { launchBrowser, waitForServiceWorkerControl } from '../support/browser.ts';
import { startServer } from '../support/server.ts';
import { buildWorkload } from '../soak/workload.ts';
import { startCountingProxy } from './counting-proxy.ts';

export interface Traffic {
  sent: number;
  received: number;
}

export interface WireFigures {
  services: number;
  firstVisit: Traffic;
  repeatVisit: Traffic & { charterStatuses: number[] };
  fieldDay: Traffic & { submissions: number; photos: number; photoBytes: number; drains: number };
}

/** Quiet time after which a page is taken to have finished loading. */
const QUIET_MS = 2_500;

export async function measureVisits(): Promise<Pick<WireFigures, 'services' | 'firstVisit' | 'repeatVisit'>> {
  assertBuilt();
  const charter = appTestCharter();
  const server = await startServer({ charter, staticDir: DIST_DIR });
  const proxy = await startCountingProxy(server.url);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const charterStatuses: number[] = [];
    context.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/charter') charterStatuses.push(response.status());
    });
    const stored = `${charter.services.length} serviços guardados no aparelho`;

    let page = await context.newPage();
    proxy.reset();
    await page.goto(`${proxy.url}/`);
    await page.getByText(stored).waitFor({ timeout: 60_000 });
    await waitForServiceWorkerControl(page);
    await proxy.quiet(QUIET_MS);
    const firstVisit = { sent: proxy.sent, received: proxy.received };
    await page.close();

    charterStatuses.length = 0;
    page = await context.newPage();
    proxy.reset();
    await page.goto(`${proxy.url}/`);
    await page.getByText(stored).waitFor({ timeout: 60_000 });
    await proxy.quiet(QUIET_MS);
    const repeatVisit = { sent: proxy.sent, received: proxy.received, charterStatuses: [...charterStatuses] };
    return { services: charter.services.length, firstVisit, repeatVisit };
  } finally {
    await browser.close();
    await proxy.close();
    await server.close();
  }
}

export async function measureFieldDay(submissions = 30, photos = 10): Promise<WireFigures['fieldDay']> {
  const charter = appTestCharter();
  const server = await startServer({ charter });
  const proxy = await startCountingProxy(server.url);
  const db = openOutboxDb({ indexedDB: new IDBFactory(), IDBKeyRange, name: 'field-day' });
  // What a browser asks for; Node's fetch alone would not offer brotli.
  const fetchLikeABrowser = (input: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('accept-encoding', 'gzip, deflate, br');
    return fetch(input, { ...init, headers });
  };
  try {
    const workload = buildWorkload({ charter, submissions, photos, seed: 30, photoBytes: PHOTO_TARGET_BYTES });
    proxy.reset();
    let drains = 0;
    for (const submission of workload) {
      await enqueueSubmission(db, submission.input, () => submission.createdAt);
      const report = await drainOutbox({ db, fetch: fetchLikeABrowser, now: Date.now, random: Math.random, baseUrl: proxy.url });
      drains++;
      if (report.pending || report.sent !== 1) throw new Error(`A field-day submission was not sent (pending ${report.pending}, sent ${report.sent}).`);
    }
    await proxy.quiet(200);
    const photoBytes = workload.reduce((sum, s) => sum + (s.photo?.bytes.length ?? 0), 0);
    return { sent: proxy.sent, received: proxy.received, submissions, photos, photoBytes, drains };
  } finally {
    db.close();
    await proxy.close();
    await server.close();
  }
}

export async function measureWire(): Promise<WireFigures> {
  const visits = await measureVisits();
  return { ...visits, fieldDay: await measureFieldDay() };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureWire();
  const { firstVisit: f, repeatVisit: r, fieldDay: d } = figures;
  console.log(`first visit:   ${kb(f.received)} received, ${kb(f.sent)} sent (${figures.services} services)`);
  console.log(`repeat visit:  ${kb(r.received)} received, ${kb(r.sent)} sent; /api/charter answered ${r.charterStatuses.join(', ') || 'nothing'}`);
  console.log(`field day:     ${kb(d.sent + d.received)} in all for ${d.submissions} submissions with ${d.photos} photos (${kb(d.photoBytes)} of photos); ${kb(d.sent + d.received - d.photoBytes)} beyond the photo bytes`);
}
