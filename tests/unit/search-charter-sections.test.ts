import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CharterSchema } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';

// The charter's optional sections for search (docs/API.md): checked like the rest of the contract.
const sample = JSON.parse(readFileSync(new URL('../../data/sample-charter.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const parse = (changes: Record<string, unknown>) => parseContract(CharterSchema, { ...sample, ...changes });
const external = { id: 'rg', name: 'Carteira de identidade', keywords: ['RG'], whereToGo: 'No SAC.' };

describe('charter sections for search', () => {
  it('may be left out', () => {
    expect(parse({ externalServices: undefined, synonyms: undefined }).ok).toBe(true);
  });

  it('takes external services with an optional phone and site', () => {
    expect(parse({ externalServices: [external, { ...external, id: 'inss', phone: '135', url: 'https://meu.inss.gov.br' }] }).ok).toBe(true);
  });

  it('refuses repeated ids, missing places and unknown keys in external services', () => {
    expect(parse({ externalServices: [external, external] })).toMatchObject({ ok: false, fields: { externalServices: 'Há identificadores repetidos.' } });
    expect(parse({ externalServices: [{ ...external, whereToGo: ' ' }] }).ok).toBe(false);
    expect(parse({ externalServices: [{ ...external, site: 'x' }] }).ok).toBe(false);
  });

  it('refuses a synonym group of a single term', () => {
    expect(parse({ synonyms: [{ terms: ['BPC', 'CRAS'] }] }).ok).toBe(true);
    expect(parse({ synonyms: [{ terms: ['BPC'] }] }).ok).toBe(false);
    expect(parse({ synonyms: [{ terms: ['BPC', ''] }] }).ok).toBe(false);
  });
});
