import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLED, newPhoneContext } from '../support/browser.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { PHOTO_MAX_SIDE, PHOTO_TARGET_BYTES } from '../../src/apps/citizen/forms/photo-size.ts';
import { setSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import { evaluationForm, fillAndSubmit, gradientPng, jpegSize, listedStates, serviceWithForm, storedAttachment, storedSubmissions, waitFor } from '../support/outbox.ts';
import { closeApp, openApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ app, context, page } = await openApp());
});

afterAll(() => closeApp(app, context));

describe('the outbox with no signal', () => {
  const ids: string[] = [];

  it('queues two requests (one with a photo) and one evaluation while offline', async () => {
    const { service, form } = serviceWithForm(app.charter, 'tapa-buraco');
    const evaluation = evaluationForm(app.charter);
    await context.setOffline(true);
    ids.push(await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form, { photo: gradientPng() }));
    // It tries at once; the failed fetch (not navigator.onLine) puts it back to wait for signal.
    await waitFor(() => page.getByTestId('record-state').textContent(), (text) => text === 'Aguardando sinal para enviar (vamos tentar de novo sozinhos)');
    ids.push(await fillAndSubmit(app, page, `/servicos/${service.id}/solicitar`, form));
    ids.push(await fillAndSubmit(app, page, `/servicos/${service.id}/avaliar`, evaluation, { values: { nota: '4' } }));
    expect(new Set(ids).size).toBe(3);
    expect(await storedSubmissions(app)).toEqual([]);
  });

  it('still holds them after a reload with no signal, and counts them on every screen', async () => {
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await page.reload();
    await page.locator('[data-testid="record"]').first().waitFor();
    const states = await listedStates(page);
    expect(states).toHaveLength(3);
    expect(states.every((s) => ['queued', 'sending', 'retry'].includes(s))).toBe(true);
    await expect.poll(() => page.getByTestId('outbox-badge').textContent(), SETTLED).toBe('3 envios aguardando');
    await page.goto(`${app.server.url}/`);
    await expect.poll(() => page.getByTestId('outbox-badge').textContent(), SETTLED).toBe('3 envios aguardando');
  });

  it('sends exactly those three, with the photo shrunk, once the signal returns, and shows their protocols', async () => {
    await page.goto(`${app.server.url}/minhas-solicitacoes`);
    await context.setOffline(false);
    const stored = await waitFor(() => storedSubmissions(app), (rows) => rows.length >= 3);
    expect(stored.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(stored.map((s) => s.kind).sort()).toEqual(['evaluation', 'request', 'request']);
    const withPhoto = stored.find((s) => s.id === ids[0])!;
    expect(withPhoto.attachments).toHaveLength(1);
    const file = await storedAttachment(app, withPhoto.attachments[0]!.sha256);
    expect(file?.type).toBe('image/jpeg');
    expect(file!.bytes.length).toBeLessThanOrEqual(PHOTO_TARGET_BYTES);
    expect(Math.max(...Object.values(jpegSize(file!.bytes)))).toBe(PHOTO_MAX_SIDE);

    await waitFor(() => listedStates(page), (states) => states.length === 3 && states.every((s) => s === 'sent'));
    for (const submission of stored) {
      await page.getByText(`Enviado: protocolo ${submission.protocol}`).waitFor();
    }
    await expect.poll(() => page.getByTestId('outbox-badge').count(), SETTLED).toBe(0);
    await page.goto(`${app.server.url}/minhas-solicitacoes/${ids[0]}`);
    await expect.poll(() => page.getByTestId('protocol').textContent(), SETTLED).toBe(withPhoto.protocol);
    // Sent answers and photos stay until a status read, at least two minutes after the acknowledgement,
    // finds the record on the server; then they are dropped from the phone (LGPD) and the receipt stays.
    const readOutbox = () => page.evaluate(async (id) => {
      // Runs in the page: DOM types are not part of the tests' Node program.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const { indexedDB } = globalThis as any;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = await new Promise<any>((resolve, reject) => {
        const request = indexedDB.open('conecta-outbox');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const read = <T,>(store: string, key?: string) => new Promise<T>((resolve) => {
        const request = key ? db.transaction(store).objectStore(store).get(key) : db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result as T);
      });
      const record = await read<{ answers?: unknown; receipt?: unknown }>('records', id);
      return { hasAnswers: record.answers !== undefined, hasReceipt: Boolean(record.receipt), blobs: await read<number>('blobs') };
    }, ids[0]!);
    expect(await readOutbox()).toEqual({ hasAnswers: true, hasReceipt: true, blobs: 1 });
    // Two minutes later (the confirmation time of every sent record moved into the past), signal again:
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const { indexedDB } = globalThis as any;
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('conecta-outbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('records', 'readwrite');
          const store = tx.objectStore('records');
          const all = store.getAll();
          all.onsuccess = () => {
            for (const record of all.result as { confirmAfter?: number }[]) if (record.confirmAfter) store.put({ ...record, confirmAfter: 1 });
          };
          tx.oncomplete = () => { open.result.close(); resolve(); };
        };
      });
      (globalThis as unknown as { dispatchEvent(event: unknown): void }).dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('online'));
    });
    await waitFor(readOutbox, (left) => !left.hasAnswers && left.blobs === 0);
    expect(await readOutbox()).toEqual({ hasAnswers: false, hasReceipt: true, blobs: 0 });
  });

  it('refreshes the progress of a sent request from the server, with its history', async () => {
    await setSubmissionStatus(app.server.storage, ids[0]!, 'in_progress', 'Equipe agendada para quinta-feira.');
    await page.goto(`${app.server.url}/minhas-solicitacoes/${ids[0]}`);
    await page.getByRole('button', { name: 'Atualizar situação' }).click();
    await page.getByText('Situação atualizada agora.').waitFor();
    await page.locator('ol.history li', { hasText: 'Em andamento — Equipe agendada para quinta-feira.' }).waitFor();
    await expect.poll(() => page.locator('ol.history li').count(), SETTLED).toBe(2);
  });

  it('follows that request from a fresh browser profile with its protocol and follow-up code, and refuses a wrong code plainly', async () => {
    await page.goto(`${app.server.url}/minhas-solicitacoes/${ids[0]}`);
    const protocol = (await page.getByTestId('protocol').textContent())!;
    const code = (await page.getByTestId('follow-up-code').textContent())!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    const elsewhere = await newPhoneContext(app.browser);
    try {
      const other = await elsewhere.newPage();
      await other.goto(`${app.server.url}/acompanhar`);
      await other.getByLabel('Protocolo').fill(protocol);
      await other.getByLabel('Código de acompanhamento').fill(code.toLowerCase());
      await other.getByRole('button', { name: 'Ver a situação do pedido' }).click();
      await expect.poll(() => other.getByTestId('request-follow-up-status').textContent(), SETTLED).toBe('Em andamento');
      await other.locator('[data-testid="request-follow-up"] ol.history li', { hasText: 'Equipe agendada para quinta-feira.' }).waitFor();
      await other.getByTestId('request-follow-up').getByText(serviceWithForm(app.charter, 'tapa-buraco').service.name, { exact: true }).waitFor();

      const wrong = code.startsWith('Z') ? `Y${code.slice(1)}` : `Z${code.slice(1)}`;
      await other.getByLabel('Código de acompanhamento').fill(wrong);
      await other.getByRole('button', { name: 'Ver a situação do pedido' }).click();
      await other.getByTestId('request-follow-up-problem').getByText('Não encontramos um pedido com este protocolo e este código.', { exact: false }).waitFor();
      expect(await other.getByTestId('request-follow-up').count()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });
});
