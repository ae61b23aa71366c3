import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { buildSearchIndex, searchCharter } from '../../src/apps/citizen/search/search-index.ts';

// The municipality's sample charter (data/sample-charter.json): the ranking people will actually see.
const charter = JSON.parse(readFileSync(new URL('../../data/sample-charter.json', import.meta.url), 'utf8')) as Charter;
const index = buildSearchIndex(charter);
const ids = (query: string) => searchCharter(index, query).map((hit) => hit.id);

describe('search ranking (sample charter)', () => {
  it('"saude" lists Saúde services first', () => {
    const health = new Set(charter.services.filter((s) => s.secretariatId === 'saude').map((s) => s.id));
    expect(ids('saude').slice(0, 5).filter((id) => !health.has(id))).toEqual([]);
    expect(ids('Saúde')).toEqual(ids('saude'));
  });

  it.each([
    ['iptu', 'segunda-via-iptu'],
    ['IPTU', 'segunda-via-iptu'],
    ['segunda via iptu', 'segunda-via-iptu'],
    ['segunda via do IPTU', 'segunda-via-iptu'],
    ['tapa buraco', 'tapa-buraco'],
    ['matricula escolr', 'matricula-escolar'],
    ['cartao sus', 'cartao-sus'],
    ['cartão do SUS', 'cartao-sus'],
    ['vacina', 'vacinacao'],
    ['poste apagado', 'iluminacao-publica'],
    ['carro pipa', 'carro-pipa'],
  ])('"%s" puts %s first', (query, expected) => {
    expect(ids(query)[0]).toBe(expected);
  });
});
