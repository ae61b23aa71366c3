import { describe, expect, it } from 'vitest';
import { FormDefinitionSchema } from '../../src/shared/contract/forms.ts';
import { SubmissionSchema } from '../../src/shared/contract/submissions.ts';
import { SyncRequestSchema } from '../../src/shared/contract/sync.ts';
import { ServiceSchema } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { normalizeText, tokenize } from '../../src/shared/text.ts';
import { bahiaDay } from '../../src/shared/dates.ts';

const submission = {
  id: '0b6c3f36-8f1e-4d7a-9b7e-2f4f5f1c2a10',
  kind: 'request',
  serviceId: 'tapa-buraco',
  formId: 'tapa-buraco',
  formVersion: 1,
  answers: { cpf: '529.982.247-25', quantidade: 2, fotos: ['a'.repeat(64)], local: { district: 'inhobim' }, aceito: true },
  attachments: [{ sha256: 'a'.repeat(64), type: 'image/jpeg', size: 2048, fieldId: 'fotos' }],
  createdAt: '2026-11-20T10:00:00.000Z',
};

describe('submission contract', () => {
  it('accepts the documented wire format', () => {
    const parsed = parseContract(SubmissionSchema, submission);
    expect(parsed.ok).toBe(true);
  });

  it('rejects unknown fields with a pt-BR message at their path', () => {
    const parsed = parseContract(SubmissionSchema, { ...submission, extra: 1 });
    expect(parsed).toEqual({ ok: false, fields: { extra: 'Campo não previsto.' } });
    const nested = parseContract(SubmissionSchema, { ...submission, attachments: [{ ...submission.attachments[0], url: 'x' }] });
    expect(nested.ok ? {} : nested.fields).toEqual({ 'attachments.0.url': 'Campo não previsto.' });
  });

  it('names every missing and mistyped field in pt-BR', () => {
    const parsed = parseContract(SubmissionSchema, { id: 'not-a-uuid', kind: 'pedido', formVersion: '1' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fields.id).toMatch(/UUID/);
    expect(parsed.fields.kind).toMatch(/Valor não aceito/);
    expect(parsed.fields.formVersion).toMatch(/número/);
    expect(parsed.fields.serviceId).toBe('Campo obrigatório ausente.');
  });

  it('wants the id in lowercase, as the database answers it', () => {
    const parsed = parseContract(SubmissionSchema, { ...submission, id: submission.id.toUpperCase() });
    expect(parsed.ok ? {} : parsed.fields).toEqual({ id: 'O identificador precisa ser um UUID em letras minúsculas.' });
  });

  it('refuses attachments of other types and over the size limit', () => {
    const parsed = parseContract(SubmissionSchema, { ...submission, attachments: [{ ...submission.attachments[0], type: 'image/gif', size: 6e6 }] });
    expect(parsed.ok ? {} : parsed.fields).toMatchObject({ 'attachments.0.type': expect.stringMatching(/JPEG, PNG, WebP ou PDF/) });
  });

  it('limits a sync batch to 100 submissions', () => {
    expect(parseContract(SyncRequestSchema, { submissions: Array(100).fill({}) }).ok).toBe(true);
    expect(parseContract(SyncRequestSchema, { submissions: Array(101).fill({}) }).ok).toBe(false);
    expect(parseContract(SyncRequestSchema, { submissions: [] }).ok).toBe(false);
  });
});

describe('form definition contract', () => {
  const base = { id: 'f', version: 1, title: 'F', kind: 'request' };
  it('requires options on choice fields and forbids them elsewhere', () => {
    expect(parseContract(FormDefinitionSchema, { ...base, fields: [{ id: 'a', label: 'A', type: 'select', required: true }] }).ok).toBe(false);
    expect(parseContract(FormDefinitionSchema, { ...base, fields: [{ id: 'a', label: 'A', type: 'text', required: true, options: [{ value: 'x', label: 'X' }] }] }).ok).toBe(false);
  });
  it('requires visibleIf to name an earlier field, and unique field ids', () => {
    const later = [
      { id: 'a', label: 'A', type: 'text', required: true, visibleIf: { field: 'b', equals: 'x' } },
      { id: 'b', label: 'B', type: 'text', required: true },
    ];
    expect(parseContract(FormDefinitionSchema, { ...base, fields: later }).ok).toBe(false);
    const twice = [{ id: 'a', label: 'A', type: 'text', required: true }, { id: 'a', label: 'A', type: 'text', required: true }];
    expect(parseContract(FormDefinitionSchema, { ...base, fields: twice }).ok).toBe(false);
  });
});

describe('service contract', () => {
  it('refuses a deadline whose minimum is over its maximum', () => {
    const parsed = parseContract(ServiceSchema, { deadline: { min: 10, max: 2, unit: 'business_days' } });
    expect(parsed.ok ? {} : parsed.fields.deadline).toMatch(/mínimo não pode ser maior/);
  });
});

describe('text and dates', () => {
  it('normalises accents, case and punctuation', () => {
    expect(normalizeText('Saúde — Cartão do SUS!')).toBe('saude cartao do sus');
    expect(tokenize('  Matrícula   Escolar ')).toEqual(['matricula', 'escolar']);
  });
  it('tells the calendar day in Bahia (UTC−3)', () => {
    expect(bahiaDay('2026-11-22T02:00:00Z')).toBe('2026-11-21');
    expect(bahiaDay('2026-11-22T03:00:00Z')).toBe('2026-11-22');
  });
});
