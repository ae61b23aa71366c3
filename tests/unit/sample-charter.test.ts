import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CharterSchema, type Charter } from '../../src/shared/contract/charter.ts';
import { FIELD_TYPES, type FormDefinition } from '../../src/shared/contract/forms.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { normalizeText } from '../../src/shared/text.ts';

// The sample charter the server serves by default; the app and its tests rely on the facts checked here.
const CHARTER_URL = new URL('../../data/sample-charter.json', import.meta.url);

const RURAL_DISTRICTS = [
  'bate-pe', 'cabeceira-do-jiboia', 'cercadinho', 'dantelandia', 'igua', 'inhobim',
  'jose-goncalves', 'pradoso', 'sao-joao-da-vitoria', 'sao-sebastiao', 'veredinha',
];
const SECRETARIATS = [
  'saude', 'educacao', 'financas', 'infraestrutura', 'servicos-publicos', 'meio-ambiente', 'desenvolvimento-social',
  'agricultura', 'mobilidade', 'gestao-inovacao', 'transparencia', 'ouvidoria',
];
const RURAL_SERVICES = ['manutencao-estrada-vicinal', 'carro-pipa', 'distribuicao-sementes', 'horas-trator'];
const CRITERIA = ['clareza', 'prazo', 'cortesia', 'acesso', 'resultado'];

const parsed = parseContract(CharterSchema, JSON.parse(readFileSync(CHARTER_URL, 'utf8')) as unknown);

function charter(): Charter {
  if (!parsed.ok) throw new Error(`data/sample-charter.json does not match the contract: ${JSON.stringify(parsed.fields)}`);
  return parsed.value;
}

function form(id: string): FormDefinition {
  const found = charter().forms.find((f) => f.id === id);
  if (!found) throw new Error(`form ${id} is missing`);
  return found;
}

/** The shape app code depends on: id, type and whether the field is required, in order. */
const shape = (f: FormDefinition) => f.fields.map(({ id, type, required }) => ({ id, type, required }));
const field = (f: FormDefinition, id: string) => f.fields.find((x) => x.id === id);

/** Art. 10 of Law 13.460: identification is offered, never required. */
function expectOptionalIdentification(f: FormDefinition) {
  expect(field(f, 'identificar')).toMatchObject({ type: 'checkbox', required: false });
  for (const id of ['nome', 'cpf', 'email', 'telefone']) {
    expect(field(f, id)?.visibleIf, `${f.id}.${id}`).toEqual({ field: 'identificar', equals: true });
  }
  const personal = f.fields.filter((x) => ['cpf', 'phone', 'email'].includes(x.type));
  expect(personal.every((x) => !x.required)).toBe(true);
}

describe('sample Service Charter', () => {
  it('matches the contract', () => {
    expect(parsed.ok ? {} : parsed.fields).toEqual({});
  });

  it('has at least 60 services across at least 10 secretariats, and at least 15 forms', () => {
    const { services, secretariats, forms } = charter();
    expect(services.length).toBeGreaterThanOrEqual(60);
    expect(secretariats.map((s) => s.id).sort()).toEqual([...SECRETARIATS].sort());
    expect(new Set(services.map((s) => s.secretariatId)).size).toBeGreaterThanOrEqual(10);
    expect(forms.length).toBeGreaterThanOrEqual(15);
  });

  it('uses every field type in some form', () => {
    const used = new Set(charter().forms.flatMap((f) => f.fields.map((x) => x.type)));
    expect(FIELD_TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it('lists the urban seat and the 11 rural districts with their villages, over 300 rural villages', () => {
    const { districts } = charter();
    expect(districts.find((d) => d.id === 'sede')).toMatchObject({ rural: false });
    for (const id of RURAL_DISTRICTS) {
      const district = districts.find((d) => d.id === id);
      expect(district, id).toMatchObject({ rural: true });
      expect(district!.villages.length, id).toBeGreaterThanOrEqual(20);
      expect(new Set(district!.villages).size, `${id} repeats a village`).toBe(district!.villages.length);
    }
    const ruralVillages = districts.filter((d) => d.rural).reduce((n, d) => n + d.villages.length, 0);
    expect(ruralVillages).toBeGreaterThanOrEqual(300);
  });

  it('names, for every service with an online form, a form that exists', () => {
    const { services, forms } = charter();
    const formIds = new Set(forms.map((f) => f.id));
    const missing = services.filter((s) => s.formId !== undefined && !formIds.has(s.formId)).map((s) => `${s.id} -> ${s.formId}`);
    expect(missing).toEqual([]);
    expect(services.filter((s) => s.formId).length).toBeGreaterThanOrEqual(15);
  });

  it('asks the CPF in every request form and ends it with the data-use consent (art. 10-A, LGPD)', () => {
    for (const f of charter().forms.filter((x) => x.kind === 'request')) {
      expect(f.fields.some((x) => x.type === 'cpf' && x.required && !x.visibleIf), f.id).toBe(true);
      expect(f.fields.at(-1), f.id).toMatchObject({ type: 'consent', required: true });
    }
  });

  it('keeps the evaluation form the app fills for every service', () => {
    const f = form('avaliacao-servico');
    expect(f.kind).toBe('evaluation');
    expect(shape(f)).toEqual([
      { id: 'nota', type: 'radio', required: true },
      { id: 'pontosPositivos', type: 'multiselect', required: false },
      { id: 'pontosNegativos', type: 'multiselect', required: false },
      { id: 'comentario', type: 'textarea', required: false },
      { id: 'identificar', type: 'checkbox', required: false },
      { id: 'nome', type: 'text', required: true },
      { id: 'email', type: 'email', required: false },
    ]);
    expect(field(f, 'nota')!.options!.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(field(f, 'pontosPositivos')!.options!.map((o) => o.value)).toEqual(CRITERIA);
    expect(field(f, 'pontosNegativos')!.options!.map((o) => o.value)).toEqual(CRITERIA);
    expect(field(f, 'comentario')!.maxLength).toBe(500);
    expect(field(f, 'nome')!.visibleIf).toEqual({ field: 'identificar', equals: true });
    expect(field(f, 'email')!.visibleIf).toEqual({ field: 'identificar', equals: true });
  });

  it('keeps the Ouvidoria form anonymous by default', () => {
    const f = form('manifestacao-ouvidoria');
    expect(f.kind).toBe('manifestation');
    expect(f.fields.map((x) => [x.id, x.type])).toEqual([
      ['tipo', 'radio'], ['assunto', 'text'], ['relato', 'textarea'], ['local', 'location'], ['fotos', 'photo'],
      ['identificar', 'checkbox'], ['nome', 'text'], ['cpf', 'cpf'], ['email', 'email'], ['telefone', 'phone'],
      ['compartilhar', 'checkbox'], ['consentimento', 'consent'],
    ]);
    // Law 13.460 art. 10 §7: the identification stays with the Ouvidoria unless the citizen ticks the share box (unticked, optional).
    expect(f.fields.filter((x) => x.identifies).map((x) => x.id)).toEqual(['nome', 'cpf', 'email', 'telefone']);
    expect(field(f, 'compartilhar')).toMatchObject({ type: 'checkbox', required: false, sharesIdentity: true, visibleIf: { field: 'identificar', equals: true } });
    expect(field(f, 'compartilhar')!.label).toBe('Autorizo a Ouvidoria a mostrar meu nome e meus contatos à secretaria responsável, se for preciso para resolver.');
    expect(field(f, 'tipo')!.options!.map((o) => o.value)).toEqual(['reclamacao', 'denuncia', 'elogio', 'sugestao', 'solicitacao', 'simplifique']);
    expect(field(f, 'relato')).toMatchObject({ required: true, minLength: 10, maxLength: 3000 });
    expect(field(f, 'nome')!.required).toBe(true);
    expect(field(f, 'consentimento')!.required).toBe(true);
    expectOptionalIdentification(f);
  });

  it('keeps the integrity channel anonymous by default', () => {
    const f = form('denuncia-integridade');
    expect(f.kind).toBe('manifestation');
    const types = Object.fromEntries(f.fields.map((x) => [x.id, x.type]));
    expect(types).toMatchObject({
      orgao: 'select', quando: 'date', relato: 'textarea', fotos: 'photo', identificar: 'checkbox',
      nome: 'text', cpf: 'cpf', email: 'email', telefone: 'phone', consentimento: 'consent',
    });
    expect(field(f, 'orgao')!.options!.map((o) => o.value).sort()).toEqual(charter().secretariats.map((s) => s.id).sort());
    expect(field(f, 'quando')!.maxDate).toBe('today');
    expect(field(f, 'relato')!.required).toBe(true);
    expectOptionalIdentification(f);
  });

  it('finds what people call the services', () => {
    const popular = new Set(charter().services.flatMap((s) => s.popularNames.map(normalizeText)));
    for (const name of ['tapa-buraco', 'Segunda Via do IPTU', 'cartao do sus']) {
      expect(popular.has(normalizeText(name)), name).toBe(true);
    }
  });

  it('offers the rural services', () => {
    const ids = new Set(charter().services.map((s) => s.id));
    expect(RURAL_SERVICES.filter((id) => !ids.has(id))).toEqual([]);
  });
});
