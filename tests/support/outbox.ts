/**
 * The outbox kit of the citizen's e2e files: a form filled in like a person would, test images, what the
 * server holds, and waiting for a state that lands late.
 */
import { deflateSync, crc32 } from 'node:zlib';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Charter } from '../../src/shared/contract/charter.ts';
import type { FormDefinition, FormField } from '../../src/shared/contract/forms.ts';
import { bahiaDay } from '../../src/shared/dates.ts';
import { VALID_CPF } from './server.ts';
import type { AppUnderTest } from './e2e-app.ts';
import { readAttachment } from '../../src/server/storage/attachment-store.ts';

export function serviceWithForm(charter: Charter, formId: string) {
  const service = charter.services.find((s) => s.formId === formId);
  const form = charter.forms.find((f) => f.id === formId);
  if (!service || !form) throw new Error(`The test charter has no service with form ${formId}`);
  return { service, form };
}

export function evaluationForm(charter: Charter): FormDefinition {
  const form = charter.forms.find((f) => f.id === 'avaliacao-servico');
  if (!form) throw new Error('The test charter has no evaluation form');
  return form;
}

/** A real PNG (a colour gradient), big enough that the app must shrink it. */
export function gradientPng(width = 2400, height = 1800): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = ((x ^ y) & 0xff);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height of a baseline or progressive JPEG, from its SOF marker. */
export function jpegSize(bytes: Buffer): { width: number; height: number } {
  let offset = 2;
  while (offset < bytes.length) {
    const marker = bytes[offset + 1]!;
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  throw new Error('not a JPEG');
}

export interface FillOptions {
  /** Values to type or choose instead of the defaults, by field id. */
  values?: Record<string, string>;
  photo?: Buffer;
  /** Fill optional fields too (text and choices), as a thorough person would. */
  optional?: boolean;
}

async function isShown(page: Page, field: FormField): Promise<boolean> {
  return (await page.locator(`#campo-${field.id}-grupo`).count()) > 0;
}

/** Fills the visible fields of a form through the page, like a person, with valid answers. */
export async function fillForm(page: Page, form: FormDefinition, options: FillOptions = {}): Promise<void> {
  const today = bahiaDay();
  for (const field of form.fields) {
    if (!(await isShown(page, field))) continue;
    const wanted = options.values?.[field.id];
    if (!field.required && wanted === undefined && !(field.type === 'photo' && options.photo) && !options.optional) continue;
    const input = page.locator(`#campo-${field.id}`);
    switch (field.type) {
      case 'text': await input.fill(wanted ?? 'Rua das Flores, 120, perto da escola'); break;
      case 'textarea': await input.fill(wanted ?? 'Buraco grande na rua, carros desviam pela calçada.'.padEnd(field.minLength ?? 0, '.')); break;
      case 'number': await input.fill(wanted ?? String(field.min ?? 1)); break;
      case 'date': {
        const value = wanted ?? (field.minDate === 'today' || field.maxDate === 'today' ? today : (field.minDate ?? '2025-06-15'));
        if ((await input.getAttribute('type')) === 'date') await input.fill(value);
        else await input.fill(value.split('-').reverse().join('/'));
        break;
      }
      case 'select': await input.selectOption(wanted ?? field.options![0]!.value); break;
      case 'radio': case 'multiselect': {
        const index = wanted ? field.options!.findIndex((o) => o.value === wanted) : 0;
        await page.locator(index === 0 ? `#campo-${field.id}` : `#campo-${field.id}-${index}`).check();
        break;
      }
      case 'checkbox': case 'consent': await input.check(); break;
      case 'cpf': await input.pressSequentially(wanted ?? VALID_CPF.replace(/\D/g, '')); break;
      case 'phone': await input.pressSequentially(wanted ?? '77988887777'); break;
      case 'cep': await input.pressSequentially(wanted ?? '45000000'); break;
      case 'email': await input.fill(wanted ?? 'maria@example.com'); break;
      case 'photo':
        if (options.photo) {
          await input.setInputFiles({ name: 'buraco.png', mimeType: 'image/png', buffer: options.photo });
          await page.locator(`#campo-${field.id}-grupo img`).first().waitFor({ timeout: 30_000 });
        }
        break;
      case 'location': {
        const [district, village] = (wanted ?? '').split('|');
        await input.selectOption(district || (await input.locator('option').nth(1).getAttribute('value'))!);
        if (village) await page.locator(`#campo-${field.id}-povoado`).selectOption(village);
        break;
      }
    }
  }
}

/** Submits the form and waits for the record's page; returns the record id. */
export async function submitForm(page: Page): Promise<string> {
  await page.locator('[data-testid="service-form"] button[type="submit"]').click();
  await page.waitForURL(/\/minhas-solicitacoes\/[0-9a-f-]{36}/, { timeout: 15_000 });
  return new URL(page.url()).pathname.split('/').pop()!;
}

export async function fillAndSubmit(app: AppUnderTest, page: Page, path: string, form: FormDefinition, options: FillOptions = {}): Promise<string> {
  await page.goto(`${app.server.url}${path}`);
  await page.locator('[data-testid="service-form"], [data-testid="resume-draft"]').first().waitFor({ timeout: 15_000 });
  if (await page.locator('[data-testid="resume-draft"]').count()) await page.getByRole('button', { name: 'Começar um novo' }).click();
  await fillForm(page, form, options);
  return submitForm(page);
}

export interface StoredSubmission {
  id: string;
  kind: string;
  protocol: string;
  answers: Record<string, unknown>;
  attachments: { sha256: string; type: string; size: number; fieldId: string }[];
}

export async function storedSubmissions(app: AppUnderTest): Promise<StoredSubmission[]> {
  const result = await app.server.storage.query<Record<string, unknown>>('SELECT id, kind, protocol, answers, attachments FROM submissions ORDER BY protocol');
  return result.rows.map((row) => ({
    id: String(row.id),
    kind: String(row.kind),
    protocol: String(row.protocol),
    answers: (typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers) as Record<string, unknown>,
    attachments: (typeof row.attachments === 'string' ? JSON.parse(row.attachments) : row.attachments) as StoredSubmission['attachments'],
  }));
}

export async function storedAttachment(app: AppUnderTest, sha256: string): Promise<{ type: string; bytes: Buffer } | undefined> {
  const file = await readAttachment(app.server.storage, sha256);
  return file ? { type: file.type, bytes: file.bytes } : undefined;
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      expect.fail(`Timed out waiting; last value: ${JSON.stringify(value).slice(0, 500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The records' states as the app's Minhas solicitações shows them. */
export async function listedStates(page: Page): Promise<string[]> {
  return page.locator('[data-testid="record"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-state') ?? ''));
}
