/**
 * The service page on a phone: the summary a person needs before leaving home comes first, the rest
 * folds, and "Ouvir" reads one part at a time (or says how to install a Portuguese voice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Charter, Service } from '../../src/shared/contract/charter.ts';
import { SETTLED } from '../support/browser.ts';
import { appTestCharter } from '../support/app-charter.ts';
import type { TestServer } from '../support/server.ts';
import { startApp, type AppUnderTest } from '../support/e2e-app.ts';

let app: AppUnderTest;
let server: TestServer;
let browser: Browser;
let charter: Charter;

beforeAll(async () => {
  charter = appTestCharter();
  app = await startApp({ charter });
  ({ server, browser } = app);
});

afterAll(async () => {
  await app?.close();
});

function service(id: string): Service {
  return charter.services.find((s) => s.id === id)!;
}

async function openService(context: BrowserContext, id: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/servicos/${id}`);
  await page.getByRole('heading', { level: 1, name: service(id).name }).waitFor();
  return page;
}

/** The summary's facts as shown: [label, value] in page order. */
async function summaryFacts(page: Page): Promise<[string, string][]> {
  const rows = page.getByTestId('service-summary').locator('dl > div');
  return (await rows.evaluateAll((divs) =>
    divs.map((div) => [div.querySelector('dt')!.textContent!, (div.querySelector('dd') as unknown as { innerText: string }).innerText]),
  )) as [string, string][];
}

describe('the summary box', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
  });
  afterAll(() => context?.close());

  it('shows place, hours, deadline and cost first, on the first screen, then what to bring and the request button', async () => {
    const iptu = service('segunda-via-iptu');
    const counter = iptu.channels.find((c) => c.type === 'in_person')!;
    const page = await openService(context, iptu.id);
    const facts = await summaryFacts(page);
    expect(facts.map(([label]) => label)).toEqual(['Onde', 'Horário', 'Prazo máximo', 'Custo', 'O que levar']);
    expect(facts[0]![1]).toContain(counter.place!);
    expect(facts[0]![1]).toContain(counter.address!);
    expect(facts[1]![1]).toBe(counter.hours);
    expect(facts[2]![1]).toBe(`Até ${iptu.deadline.max} minutos`);
    expect(facts[3]![1]).toContain('A emissão da guia é gratuita.');
    expect(facts[4]![1]).toBe(`${iptu.documents.length} documentos: ver a lista`);
    await expect.poll(() => page.getByTestId('service-summary').getByRole('link', { name: 'Solicitar pelo aplicativo' }).getAttribute('href'), SETTLED).toBe(
      `/servicos/${iptu.id}/solicitar`,
    );

    // Before the description and the sections, and within the first 640 px.
    const summaryBox = (await page.getByTestId('service-summary').boundingBox())!;
    const costRow = (await page.getByTestId('service-summary').locator('dl > div').nth(3).boundingBox())!;
    expect(costRow.y + costRow.height).toBeLessThanOrEqual(640);
    expect(summaryBox.y).toBeLessThan((await page.locator('main .lead').boundingBox())!.y);
  });

  it('says "Gratuito" once when the cost description already says it', async () => {
    const sus = service('cartao-sus');
    expect(sus.cost.description).toMatch(/^Gratuito,/);
    const page = await openService(context, sus.id);
    const cost = (await summaryFacts(page)).find(([label]) => label === 'Custo')![1];
    expect(cost).toBe(sus.cost.description);
    await expect.poll(() => page.locator('#custo .fold-body').textContent(), SETTLED).toBe(sus.cost.description);
    const section = await page.locator('#custo .fold-body').textContent();
    expect(`${cost} ${section}`).not.toMatch(/Gratuito\.\s*Gratuito/);
  });

  it('folds the sections on a phone; the summary\'s links open the section they point to', async () => {
    const page = await openService(context, 'segunda-via-iptu');
    const open = await page.locator('main details.fold').evaluateAll((folds) => folds.map((d) => (d as unknown as { open: boolean }).open));
    expect(open.length).toBeGreaterThanOrEqual(9);
    expect(open.every((o) => !o)).toBe(true);

    await page.getByRole('link', { name: /documentos: ver a lista/ }).click();
    await expect.poll(() => page.locator('#documentos').getAttribute('open'), SETTLED).toBe('');
    await page.locator('#documentos .checklist input').first().waitFor({ state: 'visible' });

    // "Nesta página" links to every section and opens it too.
    const toc = page.getByRole('navigation', { name: 'Nesta página' });
    await expect.poll(() => toc.getByRole('link').count(), SETTLED).toBe(open.length);
    await toc.getByRole('link', { name: 'Passo a passo' }).click();
    await expect.poll(() => page.locator('#etapas').getAttribute('open'), SETTLED).toBe('');
  });

  it('opens and closes a section from the keyboard', async () => {
    const page = await openService(context, 'segunda-via-iptu');
    await page.locator('#quem > summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#quem').getAttribute('open'), SETTLED).toBe('');
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('#quem').getAttribute('open'), SETTLED).toBeNull();
  });

  it('starts with every section open on a wide screen', async () => {
    const wide = await browser.newContext({ viewport: { width: 1024, height: 768 }, serviceWorkers: 'block' });
    const page = await openService(wide, 'segunda-via-iptu');
    const open = await page.locator('main details.fold').evaluateAll((folds) => folds.map((d) => (d as unknown as { open: boolean }).open));
    expect(open.every(Boolean)).toBe(true);
    await wide.close();
  });
});

/**
 * Headless Chromium has no voices: these stand-ins give it the list the test needs and record what the
 * page asks to be said. SpeechSynthesisUtterance is replaced too, since a real one refuses a fake voice.
 */
function speechStandIn(voices: { lang: string; name: string }[]): string {
  return `
    window.spoken = [];
    window.utterances = [];
    window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
    speechSynthesis.getVoices = () => ${JSON.stringify(voices)};
    speechSynthesis.speak = (utterance) => { window.utterances.push(utterance); window.spoken.push({ text: utterance.text, lang: utterance.lang }); };
    speechSynthesis.cancel = () => { window.spoken.push({ cancelled: true }); };
  `;
}

type Spoken = { text?: string; lang?: string; cancelled?: true };

describe('"Ouvir"', () => {
  it('with no Portuguese voice, says so and how to install one, and reads nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
    await context.addInitScript(speechStandIn([{ lang: 'en-US', name: 'English' }]));
    const page = await openService(context, 'tapa-buraco');
    await page.getByRole('button', { name: 'Ouvir' }).click();
    await page.getByText('Este aparelho não tem voz em português instalada').waitFor();
    await page.getByText('Configurações → Acessibilidade → Saída de texto em voz').waitFor();
    const spoken = (await page.evaluate('window.spoken.filter((s) => s.text)')) as Spoken[];
    expect(spoken).toEqual([]);
    await context.close();
  });

  it('with a pt-BR voice, reads one part at a time, with pause, next and stop', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, serviceWorkers: 'block' });
    await context.addInitScript(speechStandIn([{ lang: 'en-US', name: 'English' }, { lang: 'pt-BR', name: 'Português (Brasil)' }]));
    const buraco = service('tapa-buraco');
    const page = await openService(context, buraco.id);
    const said = async () => (await page.evaluate('window.spoken.filter((s) => s.text)')) as Spoken[];
    const panel = page.getByTestId('read-aloud');

    await page.getByRole('button', { name: 'Ouvir' }).click();
    await panel.getByText(/^Lendo a parte 1 de \d+: Resumo$/).waitFor();
    let spoken = await said();
    expect(spoken).toHaveLength(1);
    expect(spoken[0]!.lang).toBe('pt-BR');
    expect(spoken[0]!.text).toMatch(/^Resumo\. /);
    expect(spoken[0]!.text).toContain(buraco.name);
    // One part, not the whole page: the steps are a later part.
    expect(spoken[0]!.text).not.toContain(buraco.steps[0]!.title);

    await page.getByRole('button', { name: 'Próxima parte' }).click();
    spoken = await said();
    expect(spoken).toHaveLength(2);
    expect(spoken[1]!.text).toBe(`Quem pode pedir. ${[buraco.whoCanRequest, ...buraco.requirements].join(' ')}`);

    await page.getByRole('button', { name: 'Pausar' }).click();
    await panel.getByText(/^Pausado na parte 2 de \d+: Quem pode pedir$/).waitFor();
    await expect.poll(() => page.evaluate('window.spoken.at(-1)'), SETTLED).toEqual({ cancelled: true });
    await page.getByRole('button', { name: 'Continuar' }).click();
    spoken = await said();
    expect(spoken).toHaveLength(3);
    expect(spoken[2]!.text).toBe(spoken[1]!.text);

    // A part that ends leads to the next; a cancelled part's late "end" changes nothing.
    await page.evaluate('window.utterances[0].onend()');
    expect(await said()).toHaveLength(3);
    await page.evaluate('window.utterances.at(-1).onend()');
    spoken = await said();
    expect(spoken).toHaveLength(4);
    expect(spoken[3]!.text).toMatch(/^O que levar\. /);
    await panel.getByText(/^Lendo a parte 3 de \d+: O que levar$/).waitFor();

    await page.getByRole('button', { name: 'Parar' }).click();
    await expect.poll(() => page.evaluate('window.spoken.at(-1)'), SETTLED).toEqual({ cancelled: true });
    await page.getByRole('button', { name: 'Ouvir' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Próxima parte' }).count(), SETTLED).toBe(0);
    // Focus stays on the reading button, not lost with the buttons that went away.
    await expect.poll(() => page.evaluate('document.activeElement.textContent'), SETTLED).toBe('Ouvir');
    await context.close();
  });
});
