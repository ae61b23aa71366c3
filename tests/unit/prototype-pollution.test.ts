/**
 * JSON.parse keeps "__proto__" as an own key, so whatever reads parsed JSON without Fastify's guard (the
 * outbox:import and charter:import CLIs read files, the app reads the cached charter) relies on parseContract
 * alone: it must never pollute Object.prototype, never hand back an object with another prototype, and
 * refuse a reserved key rather than drop it, naming it like any other unknown key.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CharterSchema } from '../../src/shared/contract/charter.ts';
import { OutboxExportSchema } from '../../src/shared/contract/outbox-export.ts';
import { SubmissionSchema } from '../../src/shared/contract/submissions.ts';
import { SyncRequestSchema } from '../../src/shared/contract/sync.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';

const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const POISONS = ['{"polluted":"sim"}', '{"prototype":{"polluted":"sim"}}', '"texto"'] as const;

const CHARTER_TEXT = readFileSync(new URL('../fixtures/charter.json', import.meta.url), 'utf8');
const SUBMISSION_TEXT = JSON.stringify({
  id: '0b6c3f36-8f1e-4d7a-9b7e-2f4f5f1c2a10',
  kind: 'request',
  serviceId: 'tapa-buraco',
  formId: 'tapa-buraco',
  formVersion: 1,
  answers: { descricao: 'Buraco na rua da escola', local: { district: 'igua', village: 'Cachoeira' }, fotos: ['a'.repeat(64)], aceite: true },
  attachments: [{ sha256: 'a'.repeat(64), type: 'image/jpeg', size: 2048, fieldId: 'fotos' }],
  createdAt: '2026-11-20T10:00:00.000Z',
});
const OUTBOX_TEXT = JSON.stringify({
  format: 'conecta-conquista-outbox',
  version: 1,
  exportedAt: '2026-11-20T10:00:00.000Z',
  submissions: [JSON.parse(SUBMISSION_TEXT)],
  attachments: [{ sha256: 'a'.repeat(64), type: 'image/jpeg', size: 3, base64: 'AAAA' }],
});

/** The JSON text with `"key":value,` opened at each object in turn: one variant per "{". */
function withKeyInEachObject(text: string, key: string, value: string): string[] {
  const variants: string[] = [];
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    const rest = text.slice(i + 1);
    variants.push(`${text.slice(0, i + 1)}${JSON.stringify(key)}:${value}${rest.startsWith('}') ? '' : ','}${rest}`);
  }
  return variants;
}

function expectPlainPrototypes(value: unknown, path = '(root)'): void {
  if (value === null || typeof value !== 'object') return;
  const expected = Array.isArray(value) ? Array.prototype : Object.prototype;
  expect(Object.getPrototypeOf(value), `prototype at ${path}`).toBe(expected);
  expect('polluted' in value && !Object.prototype.hasOwnProperty.call(value, 'polluted'), `inherited key at ${path}`).toBe(false);
  for (const [key, child] of Object.entries(value)) expectPlainPrototypes(child, `${path}.${key}`);
}

afterEach(() => {
  // Clean up after a failure, so that one polluting case cannot make every later test fail too.
  delete (Object.prototype as { polluted?: unknown }).polluted;
});

describe('parseContract on JSON with reserved keys', () => {
  const schemas = [
    { name: 'SubmissionSchema', schema: SubmissionSchema, text: SUBMISSION_TEXT },
    { name: 'CharterSchema', schema: CharterSchema, text: CHARTER_TEXT },
    { name: 'SyncRequestSchema', schema: SyncRequestSchema, text: JSON.stringify({ submissions: [JSON.parse(SUBMISSION_TEXT)] }) },
    { name: 'OutboxExportSchema', schema: OutboxExportSchema, text: OUTBOX_TEXT },
  ] as const;

  it.each(schemas)('never pollutes Object.prototype nor returns another prototype ($name)', ({ schema, text }) => {
    expect(parseContract(schema, JSON.parse(text)).ok).toBe(true);
    for (const key of RESERVED_KEYS) {
      for (const poison of POISONS) {
        for (const variant of withKeyInEachObject(text, key, poison)) {
          const parsed = parseContract(schema, JSON.parse(variant));
          expect(({} as { polluted?: unknown }).polluted, `${key} in ${variant.slice(0, 120)}`).toBeUndefined();
          if (parsed.ok) expectPlainPrototypes(parsed.value);
          else expectPlainPrototypes(parsed.fields);
        }
      }
    }
  });

  // A reserved key is not part of any object of the contract: refusing it is the strict-object rule. The
  // items of a sync batch and of an outbox export are parsed one by one later (SubmissionSchema above).
  it.each(schemas.filter(({ name }) => name === 'SubmissionSchema' || name === 'CharterSchema'))(
    'refuses a reserved key in any object instead of dropping it ($name)',
    ({ schema, text }) => {
      const accepted: string[] = [];
      for (const key of RESERVED_KEYS) {
        for (const variant of withKeyInEachObject(text, key, POISONS[0])) {
          if (parseContract(schema, JSON.parse(variant)).ok) accepted.push(`${key} at …${variant.slice(variant.indexOf(`"${key}"`) - 40, variant.indexOf(`"${key}"`) + 30)}…`);
        }
      }
      expect(accepted.join('\n'), 'accepted with the key silently dropped').toBe('');
    },
  );

  it('names an unknown key in the fields of the refusal even when Object.prototype has a property of that name', () => {
    const unnamed: string[] = [];
    for (const key of [...RESERVED_KEYS, 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'surprise']) {
      const variant = SUBMISSION_TEXT.replace('{', `{${JSON.stringify(key)}:1,`);
      const parsed = parseContract(SubmissionSchema, JSON.parse(variant));
      if (parsed.ok) unnamed.push(`${key}: accepted`);
      else if (!Object.prototype.hasOwnProperty.call(parsed.fields, key)) unnamed.push(`${key}: fields ${JSON.stringify(parsed.fields)}`);
    }
    expect(unnamed.join('\n')).toBe('');
  });
});
