/**
 * Shared steps of the integrity channel's browser tests: the real server with the channel's key and a log
 * kept in memory, a JPEG as a phone camera writes it (EXIF with a place), the controladoria and other staff
 * signed in over the staff API (the back office's pages are built elsewhere), and reading the phone's outbox.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { IntegrityKeys } from '../../src/server/integrity/crypto.ts';
import { addAccount, StaffClient as StaffSession } from '../helpers/staff.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { appTestCharter, assertBuilt, DIST_DIR } from '../helpers/app-charter.ts';
import { startServer } from '../helpers/server.ts';
import type { AppUnderTest } from './outbox-kit.ts';

export interface IntegrityApp extends AppUnderTest {
  keys: IntegrityKeys;
  /** Every line the server logged since it started listening. */
  logLines: string[];
}

export async function startIntegrityApp(): Promise<IntegrityApp> {
  assertBuilt();
  const keys = new IntegrityKeys(randomBytes(32));
  const logLines: string[] = [];
  const charter = appTestCharter();
  const server = await startServer({
    staticDir: DIST_DIR,
    charter,
    integrityKeys: keys,
    logger: { level: 'info', stream: { write: (line: string) => void logLines.push(line) } },
  });
  // The line "Server listening at http://127.0.0.1:…" names the server's own address, logged before any
  // request: what is checked is every line written while serving.
  logLines.length = 0;
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server, browser, charter, keys, logLines,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** A JPEG made by a canvas, with an APP1 (EXIF) segment naming a place and a phone, as a camera writes it. */
export async function cameraJpeg(browser: Browser, marker: string): Promise<Buffer> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bytes = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const scope = globalThis as any;
    const canvas = new scope.OffscreenCanvas(1200, 900);
    const context2d = canvas.getContext('2d');
    const gradient = context2d.createLinearGradient(0, 0, 1200, 900);
    gradient.addColorStop(0, '#204080');
    gradient.addColorStop(1, '#e0a040');
    context2d.fillStyle = gradient;
    context2d.fillRect(0, 0, 1200, 900);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    return Array.from(new Uint8Array(await blob.arrayBuffer())) as number[];
  });
  await context.close();
  const jpeg = Buffer.from(bytes);
  const exif = Buffer.concat([Buffer.from('Exif\0\0MM\0*\0\0\0\x08\0\0', 'binary'), Buffer.from(marker, 'utf8')]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(exif.length + 2);
  const withExif = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, exif, jpeg.subarray(2)]);
  expect(hasApp1(withExif)).toBe(true);
  return withExif;
}

/** Whether a JPEG carries an APP1 segment (EXIF or XMP) before its image data. */
export function hasApp1(bytes: Uint8Array): boolean {
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker === 0xe1) return true;
    if (marker === 0xda) return false;
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  return false;
}

/** A PDF whose Info dictionary names its author, as a word processor writes it. */
export function authoredPdf(author: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Title (Nota fiscal) /Author (${author}) /Creator (Writer) /Producer (LibreOffice) >>\nendobj\n2 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 2 0 R /Info 1 0 R >>\n%%EOF\n`, 'latin1');
}

// ---------------------------------------------------------------- staff over HTTP

/** A signed-in staff member's calls to /api/gestao, with the session's cookie and CSRF token (Origin on every call). */
export class StaffClient {
  constructor(readonly baseUrl: string, readonly accountId: string, readonly cookie: string, readonly csrf: string) {}

  call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.baseUrl, cookie: this.cookie, 'x-csrf-token': this.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.baseUrl}/api/gestao${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await this.call(method, path, body);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/** An account made by the staff tests' helper, signed in through the API (enrolling the second factor where the role needs it). */
export async function signIn(baseUrl: string, storage: Storage, who: { roles: StaffRole[]; secretariats: string[] }): Promise<StaffClient> {
  const { account, email } = await addAccount(storage, who.roles, who.secretariats);
  const browser = new StaffSession(baseUrl);
  await browser.signIn(email);
  expect(await browser.signedIn()).toBe(true);
  return new StaffClient(baseUrl, account.id, `${browser.cookieName}=${browser.token}`, browser.csrf!);
}

// ---------------------------------------------------------------- the phone's outbox

/** The records and the number of stored files of a page's outbox (DOM types are not part of the tests' program). */
export function readOutbox(page: Page): Promise<{ records: any[]; blobs: number }> {
  return page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { indexedDB } = globalThis as any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = await new Promise<any>((resolve, reject) => {
      const open = indexedDB.open('conecta-outbox');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const all = (store: string) => new Promise<any[]>((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    const records = await all('records');
    const blobs = (await all('blobs')).length;
    db.close();
    return { records: records.map((r) => ({ ...r })), blobs };
  });
}

// ---------------------------------------------------------------- accessibility

/** axe-core's WCAG 2.1 A and AA violations on the page as it is, evaluated over the DevTools protocol (the app's CSP forbids injected scripts). */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** How far the page runs past a 320 px screen (0 or less: it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}
