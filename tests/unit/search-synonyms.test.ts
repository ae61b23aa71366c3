import { describe, expect, it } from 'vitest';
import type { Charter, ExternalService, Service } from '../../src/shared/contract/charter.ts';
import { buildSearchIndex, meaningfulTokens, searchCharter } from '../../src/apps/citizen/search/search-index.ts';
import { BUILT_IN_SYNONYMS, findSynonyms, synonymTable } from '../../src/apps/citizen/search/synonyms.ts';

const table = synonymTable([['RG', 'carteira de identidade', 'identidade'], ['ônibus', 'buzu'], ['caiu', 'desabou']], meaningfulTokens);
const spans = (query: string) => findSynonyms(table, meaningfulTokens(query)).map((s) => ({ at: s.start, length: s.length, others: s.alternatives.map((a) => a.join(' ')) }));

describe('synonym lookup', () => {
  it('finds a one-word term and lists the other terms of its group', () => {
    expect(spans('rg')).toEqual([{ at: 0, length: 1, others: ['carteira identidade', 'identidade'] }]);
    expect(spans('buzu atrasado')).toEqual([{ at: 0, length: 1, others: ['onibus'] }]);
  });

  it('prefers the longest term and ignores stopwords and accents', () => {
    expect(spans('segunda via da Carteira de Identidade')).toEqual([{ at: 2, length: 2, others: ['rg', 'identidade'] }]);
  });

  it('matches word variants through their stems', () => {
    expect(spans('os ônibus')).toEqual([{ at: 0, length: 1, others: ['buzu'] }]);
  });

  it('finds several groups in one query, and none in a query without them', () => {
    expect(spans('ponte caiu perto do buzu').map((s) => s.at)).toEqual([1, 3]);
    expect(spans('segunda via iptu')).toEqual([]);
  });

  it('skips groups with fewer than two usable terms', () => {
    expect(synonymTable([['de'], ['rg']], meaningfulTokens).groups).toEqual([]);
  });

  it('has a built-in list that covers what people asked for in the trial', () => {
    const builtIn = synonymTable(BUILT_IN_SYNONYMS, meaningfulTokens);
    const others = (query: string) => findSynonyms(builtIn, meaningfulTokens(query)).flatMap((s) => s.alternatives.map((a) => a.join(' ')));
    expect(others('rg')).toContain('identidade');
    expect(others('bpc')).toContain('loas');
    expect(others('ônibus')).toContain('transporte coletivo');
    expect(others('aposentadoria')).toContain('inss');
  });
});

function service(id: string, name: string, keywords: string[] = []): Service {
  return {
    id, name, popularNames: [], keywords, description: 'Serviço municipal.', secretariatId: 's', categoryIds: [], lifeEventIds: [], audience: ['citizen'],
    whoCanRequest: 'Qualquer pessoa.', requirements: [], documents: [], steps: [{ title: 'Pedido' }], deadline: { max: 1, unit: 'business_days' },
    channels: [{ type: 'online' }], cost: { free: true }, legalBasis: [], priority: '-', expectedWait: '-', communication: '-', howToFollow: '-', complaints: '-',
  };
}

const base: Pick<Charter, 'services' | 'secretariats' | 'categories' | 'lifeEvents'> = {
  services: [service('cras', 'Atendimento no CRAS'), service('onibus', 'Passe livre no ônibus'), service('iptu', 'Segunda via do IPTU')],
  secretariats: [{ id: 's', name: 'Secretaria' }],
  categories: [],
  lifeEvents: [],
};
const inss: ExternalService = { id: 'inss', name: 'Benefícios do INSS', keywords: ['aposentadoria'], whereToGo: 'No INSS, telefone 135.' };

describe('synonyms in search', () => {
  it('uses the built-in list: "buzu" is not, but "coletivo" is, another word for ônibus', () => {
    const index = buildSearchIndex(base);
    expect(searchCharter(index, 'coletivo').map((h) => h.id)).toEqual(['onibus']);
    expect(searchCharter(index, 'buzu')).toEqual([]);
  });

  it("adds the charter's own groups to the built-in list", () => {
    const index = buildSearchIndex({ ...base, synonyms: [{ terms: ['buzu', 'ônibus'] }, { terms: ['BPC', 'CRAS'] }] });
    expect(searchCharter(index, 'buzu').map((h) => h.id)).toEqual(['onibus']);
    expect(searchCharter(index, 'bpc').map((h) => h.id)).toEqual(['cras']);
    // Still the built-in list too.
    expect(searchCharter(index, 'coletivo').map((h) => h.id)).toEqual(['onibus']);
  });

  it('ranks what is written as typed above what is found through a synonym', () => {
    const index = buildSearchIndex({ ...base, services: [...base.services, service('bpc', 'Orientação sobre o BPC')], synonyms: [{ terms: ['BPC', 'CRAS'] }] });
    expect(searchCharter(index, 'bpc').map((h) => h.id)).toEqual(['bpc', 'cras']);
  });

  it('finds external services, marked as such, through their keywords and synonyms', () => {
    const index = buildSearchIndex({ ...base, externalServices: [inss] });
    expect(searchCharter(index, 'aposentadoria')[0]).toMatchObject({ kind: 'external', id: 'inss' });
    expect(searchCharter(index, 'previdência')[0]).toMatchObject({ kind: 'external', id: 'inss' });
    expect(searchCharter(index, 'iptu')[0]).toMatchObject({ kind: 'service', id: 'iptu' });
  });
});
