import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { evaluationForm, fillAndSubmit, serviceWithForm, storedSubmissions, waitFor } from '../support/outbox.ts';
import { newPhoneContext } from '../support/browser.ts';
import { openOnline, startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let context: BrowserContext;
let tabs: Page[];
let noSignal = true;
const postedIds: string[] = [];

beforeAll(async () => {
  app = await startApp();
  context = await newPhoneContext(app.browser, { serviceWorkers: 'block' });
  await context.route((url) => url.pathname === '/api/sync' || url.pathname.startsWith('/api/attachments/'), async (route) => {
    if (noSignal) return route.abort('internetdisconnected');
    if (route.request().method() === 'POST') {
      const body = JSON.parse(route.request().postData() ?? '{}') as { submissions: { id: string }[] };
      postedIds.push(...body.submissions.map((s) => s.id));
    }
    return route.continue();
  });
  tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) await openOnline(app, tab, false);
});

afterAll(async () => {
  await context?.close();
  await app?.close();
});

describe('two tabs with a full queue', () => {
  it('sends each record once', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    const [first, second] = tabs as [Page, Page];
    const ids = [
      await fillAndSubmit(app, first, `/servicos/${service.id}/solicitar`, form),
      await fillAndSubmit(app, second, `/servicos/${service.id}/solicitar`, form),
      await fillAndSubmit(app, first, `/servicos/${service.id}/avaliar`, evaluationForm(app.charter), { values: { nota: '5' } }),
    ];
    // A queue that filled up over days: evaluations written straight into the outbox database.
    const evaluation = evaluationForm(app.charter);
    ids.push(...await first.evaluate(async ({ serviceId, formVersion }) => {
      // Runs in the page: DOM types are not part of the tests' Node program.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const { indexedDB } = globalThis as any;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = await new Promise<any>((resolve, reject) => {
        const request = indexedDB.open('conecta-outbox');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction('records', 'readwrite');
      const made: string[] = [];
      for (let i = 0; i < 150; i++) {
        const id = crypto.randomUUID();
        made.push(id);
        tx.objectStore('records').put({
          id, state: 'queued', kind: 'evaluation', serviceId, formId: 'avaliacao-servico', formVersion,
          answers: { nota: String((i % 5) + 1) }, attachments: [], createdAt: new Date(Date.now() - 86_400_000 + i).toISOString(),
          updatedAt: Date.now(), attempts: 0, nextAttemptAt: 0, summary: { serviceName: 'Avaliação', formTitle: 'Avaliar', byteSize: 12 },
        });
      }
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
      return made;
    }, { serviceId: service.id, formVersion: evaluation.version }));
    expect(await storedSubmissions(app)).toEqual([]);

    // Offline first, then let requests through: a retry timer firing in between must not start a send
    // that going offline would cut (its resend would count twice here, though the server stores it once).
    await context.setOffline(true);
    noSignal = false;
    await context.setOffline(false); // both tabs hear `online` at once
    const stored = await waitFor(() => storedSubmissions(app), (rows) => rows.length >= ids.length, 90_000);
    expect(stored.map((s) => s.id).sort()).toEqual([...ids].sort());
    const counts = new Map<string, number>();
    for (const id of postedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(counts.size).toBe(ids.length);
  });
});
