/**
 * News of every request: a status change with a note from the city reaches the list (on top, "novo"), the
 * home page ("Novidades") and the header, and opening the request marks it read. The browser half of Web
 * Push: a message delivered to the service worker through CDP (headless Chromium has no push service)
 * shows a notice with no personal data that leads to the request, and refreshes its status on the phone.
 * The server half (VAPID, RFC 8291 encryption) is in tests/integration/push.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLED } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { changeStatus } from '../../src/server/domain/status-changes.ts';
import { fillAndSubmit, serviceWithForm, waitFor } from '../support/outbox.ts';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;
let id: string;
const push = { subject: 'mailto:ouvidoria@conecta.example' };

/** Reads one record of the outbox in the page (DOM types are not part of the tests' Node program). */
function outboxRecord(recordId: string): Promise<{ state: string; history: number; newsSeenAt?: string } | null> {
  return page.evaluate(async (key) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { indexedDB } = globalThis as any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = await new Promise<any>((resolve, reject) => {
      const open = indexedDB.open('conecta-outbox');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const record = await new Promise<any>((resolve) => {
      const request = db.transaction('records').objectStore('records').get(key);
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return record ? { state: record.state, history: record.statusHistory?.length ?? 0, newsSeenAt: record.newsSeenAt } : null;
  }, recordId);
}

beforeAll(async () => {
  ({ app, context, page } = await openApp());
  const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
  id = await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form);
  await waitFor(() => outboxRecord(id), (record) => record?.state === 'sent');
});

afterAll(async () => {
  await closeApp(app, context);
});

describe('news of every request', () => {
  it('shows the city\'s status and note on the list, on top with "novo", on the home page and in the header, until read', async () => {
    await changeStatus(app.server.storage, id, 'in_progress', 'Equipe agendada para quinta-feira.', push);

    await page.goto(`${app.server.url}/`);
    await page.getByTestId('news-entry').getByText('A Prefeitura atualizou 1 pedido seu').waitFor({ timeout: 30_000 });
    await page.getByTestId('news-badge').getByText('1 novidade').waitFor();

    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    const card = page.locator('[data-testid="record"][data-news="true"]');
    await card.waitFor();
    await expect.poll(() => card.getByTestId('city-status').textContent(), SETTLED).toContain('Em andamento');
    await expect.poll(() => card.getByTestId('city-note').textContent(), SETTLED).toContain('Equipe agendada para quinta-feira.');
    // The promise, where the person reads the request: the service's maximum time, counted by the city.
    const due = await app.server.storage.query<{ due_at: Date }>('SELECT due_at FROM submissions WHERE id = $1', [id]);
    const dueDay = new Date(due.rows[0]!.due_at.getTime() - 3 * 3600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    await expect.poll(() => card.getByTestId('due').textContent(), SETTLED).toBe(`Prazo: até ${dueDay}`);
    // The news comes before everything else on the list.
    await expect.poll(() => page.locator('h2').first().textContent(), SETTLED).toBe('Novidades da Prefeitura');

    await card.getByRole('link').click();
    await page.getByTestId('latest-note').getByText('Equipe agendada para quinta-feira.').waitFor();
    await waitFor(() => outboxRecord(id), (record) => record?.newsSeenAt !== undefined);
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.locator('[data-testid="record"][data-news="false"]').first().waitFor();
    await expect.poll(() => page.getByTestId('news-tag').count(), SETTLED).toBe(0);
  });

  it('delivers a push to the service worker: a notice with no personal data that opens the request, and the news is on the phone', async () => {
    await context.grantPermissions(['notifications'], { origin: app.server.url });
    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL.startsWith(app.server.url) && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');

    // The city answers while the app is closed; the push is what tells the phone. (Read before the change: the
    // page's own refresh may fetch the news too, and then it must not count as already there.)
    const before = (await outboxRecord(id))!.history;
    await changeStatus(app.server.storage, id, 'done', 'Buraco fechado na sexta-feira.', push);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.server.url, registrationId: await registrationId, data: JSON.stringify({ type: 'status', id }) });

    const notices = await waitFor(() => page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const registration = await (globalThis as any).navigator.serviceWorker.ready;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (await registration.getNotifications()).map((n: any) => ({ title: n.title, body: n.body, data: n.data, tag: n.tag }));
    }), (list) => list.length > 0);
    expect(notices[0]).toEqual({
      title: 'Novidade na sua solicitação',
      body: 'A Prefeitura atualizou um pedido seu. Toque para ver.',
      data: { url: `/minhas-solicitacoes/${id}` },
      tag: `pedido-${id}`,
    });
    expect(JSON.stringify(notices)).not.toMatch(/Maria|529\.982|sexta-feira|Buraco/);
    // The service worker already fetched the new status: the list has the news before anyone opens the app.
    await waitFor(() => outboxRecord(id), (record) => (record?.history ?? 0) > before);
    await page.goto(`${app.server.url}${notices[0]!.data.url}`);
    await page.getByTestId('latest-note').getByText('Buraco fechado na sexta-feira.').waitFor();
  });

  it('removes a sent request from this phone only, on request', async () => {
    await page.goto(`${app.server.url}/minhas-solicitacoes/${id}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remover deste aparelho' }).click();
    await page.waitForURL(`${app.server.url}/minhas-solicitacoes`);
    await waitFor(() => outboxRecord(id), (record) => record === null);
    const stored = await app.server.storage.query('SELECT 1 FROM submissions WHERE id = $1', [id]);
    expect(stored.rowCount).toBe(1);
  });

  it('shows a manifestação on the list with a neutral title, its details one tap away', async () => {
    const { service, form } = serviceWithForm(app.charter, 'denuncia-integridade');
    const reportId = await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form);
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    const card = page.locator(`[data-testid="record"]:has(a[href="/minhas-solicitacoes/${reportId}"])`);
    await card.waitFor();
    await expect.poll(() => card.textContent(), SETTLED).toMatch(/^Manifestação/);
    const text = (await card.textContent()) ?? '';
    for (const revealing of ['Integridade', 'corrupção', 'fraude', service.name, form.title]) expect(text).not.toContain(revealing);
    await card.getByRole('link').click();
    await page.getByText(form.title).first().waitFor();
  });
});
