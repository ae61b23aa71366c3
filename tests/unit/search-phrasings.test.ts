import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CharterSchema, type Charter } from '../../src/shared/contract/charter.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { buildSearchIndex, searchCharter, type SearchHit } from '../../src/apps/citizen/search/search-index.ts';

/**
 * How people actually wrote to the search in the field trial, and what must come FIRST, run against
 * the sample charter (data/sample-charter.json). An external service is written `external:id`.
 */
const PHRASINGS: [query: string, first: string][] = [
  // The phrasings reported in the trial.
  ['reclamar', 'manifestacao-ouvidoria'],
  ['certidão de nascimento', 'external:certidao-registro-civil'],
  ['ponte caiu', 'manutencao-estrada-vicinal'],
  ['rg', 'external:carteira-de-identidade'],
  ['aposentadoria', 'external:aposentadoria-inss'],
  ['bpc', 'external:bpc-loas'],
  // Word variants: verbs, plurals, gender.
  ['quero fazer uma reclamação', 'manifestacao-ouvidoria'],
  ['reclamações', 'manifestacao-ouvidoria'],
  ['reclamo', 'manifestacao-ouvidoria'],
  ['como me aposentar', 'external:aposentadoria-inss'],
  ['vacinas', 'vacinacao'],
  ['árvore caiu', 'poda-arvore'],
  ['galhos caídos', 'poda-arvore'],
  ['matricular meu filho na escola', 'matricula-escolar'],
  ['lâmpadas queimadas', 'iluminacao-publica'],
  ['ruas alagadas', 'drenagem-bueiro'],
  ['agendar consulta', 'agendamento-consulta'],
  ['estradas ruins', 'manutencao-estrada-vicinal'],
  // Documents and benefits done elsewhere.
  ['tirar rg', 'external:carteira-de-identidade'],
  ['carteira de identidade', 'external:carteira-de-identidade'],
  ['segunda via da identidade', 'external:carteira-de-identidade'],
  ['registrar meu filho', 'external:certidao-registro-civil'],
  ['certidão de óbito', 'external:certidao-registro-civil'],
  ['certidão de casamento', 'external:certidao-registro-civil'],
  ['cpf suspenso', 'external:cpf'],
  ['carteira de trabalho', 'external:carteira-de-trabalho'],
  ['seguro desemprego', 'external:carteira-de-trabalho'],
  ['título de eleitor', 'external:titulo-de-eleitor'],
  ['falta de luz em casa', 'external:energia-eletrica-coelba'],
  ['falta de água', 'external:agua-esgoto-embasa'],
  ['cnh', 'external:cnh-detran'],
  ['passaporte', 'external:passaporte'],
  ['sacar fgts', 'external:fgts-pis'],
  ['loas', 'external:bpc-loas'],
  // Synonyms, built in and from the charter.
  ['posto de saúde', 'agendamento-consulta'],
  ['remédio de graça', 'farmacia-basica-medicamentos'],
  ['zoada do vizinho', 'poluicao-sonora'],
  ['buzu de graça para idoso', 'gratuidade-transporte-idoso-pcd'],
  ['dentista', 'atendimento-odontologico'],
  ['auxílio brasil', 'bolsa-familia-orientacao'],
  ['desabou a ponte', 'manutencao-estrada-vicinal'],
  ['queixa', 'manifestacao-ouvidoria'],
  ['previdência', 'external:aposentadoria-inss'],
  ['benefício de prestação continuada', 'external:bpc-loas'],
  ['cadastro de pessoa física', 'external:cpf'],
  // The city's everyday services, as said.
  ['buraco na rua', 'tapa-buraco'],
  ['poste apagado', 'iluminacao-publica'],
  ['mato alto no terreno', 'limpeza-terreno'],
  ['caminhão do lixo não passou', 'coleta-lixo-domiciliar'],
  ['som alto', 'poluicao-sonora'],
  ['marcar consulta', 'agendamento-consulta'],
  ['vaga na creche', 'creche'],
  ['ônibus da escola', 'transporte-escolar'],
  ['meia passagem', 'cartao-transporte-estudante'],
  ['passe livre idoso', 'gratuidade-transporte-idoso-pcd'],
  ['boleto do iptu', 'segunda-via-iptu'],
  ['parcelar dívida do iptu', 'parcelamento-iptu'],
  ['alvará para abrir loja', 'alvara-funcionamento'],
  ['cadunico', 'cadastro-unico'],
  ['bolsa família cortado', 'bolsa-familia-orientacao'],
  ['cesta básica', 'beneficio-eventual-cesta-basica'],
  ['carro pipa', 'carro-pipa'],
  ['estrada da roça', 'manutencao-estrada-vicinal'],
  ['trator para arar a terra', 'horas-trator'],
  ['enterro de graça', 'cemiterio-sepultamento'],
  ['cavalo solto na pista', 'recolhimento-animais-grande-porte'],
  ['recorrer da multa', 'recurso-multa'],
  ['denunciar corrupção', 'canal-de-integridade'],
  ['quebra-molas', 'sinalizacao-transito'],
  ['bueiro entupido', 'drenagem-bueiro'],
  ['licença para construir', 'alvara-construcao'],
  ['cartão do sus', 'cartao-sus'],
];

const parsed = parseContract(CharterSchema, JSON.parse(readFileSync(new URL('../../data/sample-charter.json', import.meta.url), 'utf8')) as unknown);
if (!parsed.ok) throw new Error(`data/sample-charter.json does not match the contract: ${JSON.stringify(parsed.fields)}`);
const charter: Charter = parsed.value;
const index = buildSearchIndex(charter);
const label = (hit: SearchHit | undefined) => (hit === undefined ? '(nothing)' : hit.kind === 'external' ? `external:${hit.id}` : hit.id);

describe('search as people speak (sample charter)', () => {
  it('has at least 40 phrasings, about at least 30 different entries that all exist', () => {
    const known = new Set([...charter.services.map((s) => s.id), ...(charter.externalServices ?? []).map((e) => `external:${e.id}`)]);
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PHRASINGS.map(([, first]) => first)).size).toBeGreaterThanOrEqual(30);
    expect(PHRASINGS.filter(([, first]) => !known.has(first))).toEqual([]);
  });

  it.each(PHRASINGS)('"%s" puts %s first', (query, first) => {
    expect(label(searchCharter(index, query)[0])).toBe(first);
  });
});
