import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Charter } from '../../src/shared/contract/charter.ts';
import { buildSearchIndex, searchCharter } from '../../src/apps/citizen/search/search-index.ts';

const charter = JSON.parse(readFileSync(new URL('../fixtures/pwa-charter.json', import.meta.url), 'utf8')) as Charter;
const index = buildSearchIndex(charter);
const ids = (query: string) => searchCharter(index, query).map((hit) => hit.id);

describe('search ranking (fixture charter)', () => {
  it('"saude" finds the health services first, accents and case ignored', () => {
    const saude = charter.services.filter((s) => s.secretariatId === 'saude').map((s) => s.id);
    const found = ids('saude');
    expect(found.slice(0, saude.length).sort()).toEqual([...saude].sort());
    expect(ids('SAÚDE')).toEqual(found);
  });

  it('"iptu" and "segunda via iptu" put segunda-via-iptu first', () => {
    expect(ids('iptu')[0]).toBe('segunda-via-iptu');
    expect(ids('iptu')).toEqual(expect.arrayContaining(['parcelamento-iptu', 'isencao-iptu']));
    expect(ids('segunda via iptu')[0]).toBe('segunda-via-iptu');
    expect(ids('2a via do IPTU')[0]).toBe('segunda-via-iptu');
  });

  it('"tapa buraco" finds tapa-buraco by its popular name', () => {
    expect(ids('tapa buraco')[0]).toBe('tapa-buraco');
    expect(ids('tapa-buraco')[0]).toBe('tapa-buraco');
  });

  it('forgives a small typo: "matricula escolr"', () => {
    expect(ids('matricula escolr')[0]).toBe('matricula-escolar');
    expect(ids('matrcula')[0]).toBe('matricula-escolar');
  });

  it('"cartao sus" finds cartao-sus', () => {
    expect(ids('cartao sus')[0]).toBe('cartao-sus');
  });

  it('matches prefixes while the person is typing', () => {
    expect(ids('vacin')[0]).toBe('vacinacao');
    expect(ids('ilumin')[0]).toBe('iluminacao-publica');
  });

  it('ranks a name hit above a description hit', () => {
    const found = ids('escola');
    const transport = found.indexOf('transporte-escolar');
    expect(found.indexOf('matricula-escolar')).toBeGreaterThanOrEqual(0);
    expect(transport).toBeGreaterThanOrEqual(0);
    // "saúde" is only in the descriptions of poda-arvore and transporte-escolar: they come after every health service.
    const saude = ids('saude');
    const lastHealth = Math.max(...charter.services.filter((s) => s.secretariatId === 'saude').map((s) => saude.indexOf(s.id)));
    expect(saude.indexOf('poda-arvore')).toBeGreaterThan(lastHealth);
  });

  it('returns nothing for an empty query and for gibberish', () => {
    expect(ids('')).toEqual([]);
    expect(ids('   ')).toEqual([]);
    expect(ids('xqzwv')).toEqual([]);
  });
});
