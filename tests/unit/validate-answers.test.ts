import { describe, expect, it } from 'vitest';
import { FormDefinitionSchema, type FormDefinition } from '../../src/shared/contract/forms.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { type Answers } from '../../src/shared/contract/submissions.ts';
import { type District } from '../../src/shared/contract/charter.ts';
import { isFieldVisible, validateAnswers, validateAttachmentRefs, visibleAnswers } from '../../src/shared/validate-answers.ts';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function form(fields: unknown[]): FormDefinition {
  const parsed = parseContract(FormDefinitionSchema, { id: 'teste', version: 1, title: 'Teste', kind: 'request', fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields));
  return parsed.value;
}

const districts: District[] = [
  { id: 'inhobim', name: 'Inhobim', rural: true, villages: ['Lagoa de Dentro', 'Baixão'] },
  { id: 'sede', name: 'Sede', rural: false, villages: ['Centro'] },
];

/** One field of each type, all required, with the answer that should pass and ones that should not. */
const cases: { field: Record<string, unknown>; good: Answers[string][]; bad: [Answers[string], RegExp][] }[] = [
  { field: { type: 'text', maxLength: 10 }, good: ['Maria'], bad: [['x'.repeat(11), /no máximo 10/], [3, /texto/]] },
  { field: { type: 'textarea', minLength: 5 }, good: ['Buraco grande'], bad: [['abc', /pelo menos 5/]] },
  { field: { type: 'number', min: 1, max: 10, integer: true }, good: [1, 10], bad: [[0, /1 ou mais/], [11, /10 ou menos/], [2.5, /inteiro/], ['3', /número/]] },
  { field: { type: 'date', maxDate: 'today' }, good: ['2026-01-31'], bad: [['2026-02-30', /Data inválida/], ['2030-01-01', /futuro/], ['31/01/2026', /Data inválida/]] },
  { field: { type: 'select', options: [{ value: 'a', label: 'A' }] }, good: ['a'], bad: [['z', /opções da lista/]] },
  { field: { type: 'radio', options: [{ value: '1', label: 'Um' }] }, good: ['1'], bad: [[1, /opções da lista/]] },
  {
    field: { type: 'multiselect', maxItems: 2, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }] },
    good: [['a'], ['a', 'c']],
    bad: [[['a', 'x'], /apenas opções/], [['a', 'a'], /repetida/], [['a', 'b', 'c'], /no máximo 2/], ['a', /opções da lista/]],
  },
  { field: { type: 'checkbox' }, good: [true], bad: [[false, /marcar/], ['sim', /Marque/]] },
  { field: { type: 'consent' }, good: [true], bad: [[false, /marcar/]] },
  { field: { type: 'cpf' }, good: ['529.982.247-25', '52998224725'], bad: [['529.982.247-24', /CPF inválido/], ['000.000.000-00', /CPF inválido/]] },
  { field: { type: 'phone' }, good: ['(77) 98888-7777'], bad: [['98888-7777', /Telefone inválido/]] },
  { field: { type: 'cep' }, good: ['45000-000'], bad: [['45000', /CEP inválido/]] },
  { field: { type: 'email' }, good: ['ana@exemplo.com'], bad: [['ana@', /E-mail inválido/]] },
  { field: { type: 'photo', maxItems: 1 }, good: [[HASH_A]], bad: [[[HASH_A, HASH_B], /no máximo 1/], [['xyz'], /Foto inválida/]] },
  {
    field: { type: 'location' },
    good: [{ lat: -14.86, lng: -40.84, accuracy: 12 }, { district: 'inhobim', village: 'Baixão' }],
    bad: [[{ lat: -14.86 }, /incompleto/], [{ district: 'atlantida' }, /Distrito não encontrado/], [{ district: 'inhobim', village: 'Centro' }, /Povoado não encontrado/], [{}, /GPS ou escolha o distrito/]],
  },
];

describe('validateAnswers, field by field', () => {
  for (const { field, good, bad } of cases) {
    const definition = form([{ id: 'campo', label: 'Campo', required: true, ...field }]);
    it(`${String(field.type)}: accepts good answers`, () => {
      for (const value of good) expect(validateAnswers(definition, { campo: value }, { today: '2026-11-22', districts })).toEqual({});
    });
    it(`${String(field.type)}: refuses bad answers with a pt-BR message`, () => {
      for (const [value, message] of bad) {
        expect(validateAnswers(definition, { campo: value }, { today: '2026-11-22', districts }).campo).toMatch(message);
      }
    });
    it(`${String(field.type)}: a required field left empty says so`, () => {
      expect(validateAnswers(definition, {}, { districts }).campo).toBeTruthy();
    });
  }

  it('an optional field may stay empty but is checked when answered', () => {
    const definition = form([{ id: 'email', label: 'E-mail', type: 'email', required: false }]);
    expect(validateAnswers(definition, {})).toEqual({});
    expect(validateAnswers(definition, { email: '' })).toEqual({});
    expect(validateAnswers(definition, { email: 'x' }).email).toMatch(/E-mail inválido/);
  });

  it('refuses answers to fields the form does not have', () => {
    const definition = form([{ id: 'nome', label: 'Nome', type: 'text', required: false }]);
    expect(validateAnswers(definition, { senha: 'x' }).senha).toMatch(/não faz parte/);
  });

  it('"today" date bounds follow the day the form was filled in', () => {
    const definition = form([{ id: 'dia', label: 'Dia', type: 'date', required: true, minDate: 'today' }]);
    expect(validateAnswers(definition, { dia: '2026-11-20' }, { today: '2026-11-20' })).toEqual({});
    expect(validateAnswers(definition, { dia: '2026-11-20' }, { today: '2026-11-21' }).dia).toMatch(/passado/);
  });
});

describe('visibleIf', () => {
  const definition = form([
    { id: 'identificar', label: 'Quero me identificar', type: 'checkbox', required: false },
    { id: 'nome', label: 'Nome', type: 'text', required: true, visibleIf: { field: 'identificar', equals: true } },
    { id: 'cpf', label: 'CPF', type: 'cpf', required: false, visibleIf: { field: 'nome', equals: 'Ana' } },
  ]);

  it('a hidden required field is not required', () => {
    expect(validateAnswers(definition, {})).toEqual({});
    expect(validateAnswers(definition, { identificar: false })).toEqual({});
  });

  it('a shown required field is required', () => {
    expect(validateAnswers(definition, { identificar: true }).nome).toMatch(/Preencha/);
  });

  it('an answer to a hidden field is refused, and visibleAnswers drops it', () => {
    expect(validateAnswers(definition, { identificar: false, nome: 'Ana' }).nome).toMatch(/não se aplica/);
    expect(visibleAnswers(definition, { identificar: false, nome: 'Ana', cpf: '529.982.247-25' })).toEqual({ identificar: false });
  });

  it('hides a field whose condition field is itself hidden', () => {
    const cpf = definition.fields[2]!;
    expect(isFieldVisible(definition, cpf, { identificar: true, nome: 'Ana' })).toBe(true);
    expect(isFieldVisible(definition, cpf, { identificar: false, nome: 'Ana' })).toBe(false);
  });

  it('a condition on a multiselect matches when the value is among the chosen', () => {
    const multi = form([
      { id: 'itens', label: 'Itens', type: 'multiselect', required: true, options: [{ value: 'outro', label: 'Outro' }, { value: 'a', label: 'A' }] },
      { id: 'qual', label: 'Qual?', type: 'text', required: true, visibleIf: { field: 'itens', equals: 'outro' } },
    ]);
    expect(validateAnswers(multi, { itens: ['a'] })).toEqual({});
    expect(validateAnswers(multi, { itens: ['a', 'outro'] }).qual).toMatch(/Preencha/);
  });
});

describe('validateAttachmentRefs', () => {
  const definition = form([{ id: 'fotos', label: 'Fotos', type: 'photo', required: false }]);
  const attachment = (sha256: string, fieldId = 'fotos') => ({ sha256, type: 'image/jpeg' as const, size: 1000, fieldId });

  it('accepts photo answers that match the attachment list', () => {
    expect(validateAttachmentRefs(definition, { fotos: [HASH_A] }, [attachment(HASH_A)])).toEqual({});
  });

  it('refuses a photo the list does not name, and a listed file no answer cites', () => {
    expect(validateAttachmentRefs(definition, { fotos: [HASH_A] }, []).fotos).toMatch(/não foi listada/);
    expect(validateAttachmentRefs(definition, {}, [attachment(HASH_B)]).fotos).toMatch(/nenhuma resposta cita/);
    expect(validateAttachmentRefs(definition, { fotos: [HASH_A] }, [attachment(HASH_A, 'outro')]).fotos).toMatch(/não foi listada/);
  });
});

describe('answers that look filled but are not', () => {
  it('a required text of only spaces is empty', () => {
    const definition = form([{ id: 'nome', label: 'Nome', type: 'text', required: true }]);
    expect(validateAnswers(definition, { nome: '   ' }).nome).toMatch(/Preencha/);
  });
  it('the same file listed twice is refused', () => {
    const definition = form([{ id: 'fotos', label: 'Fotos', type: 'photo', required: false }]);
    const attachment = { sha256: HASH_A, type: 'image/jpeg' as const, size: 10, fieldId: 'fotos' };
    expect(validateAttachmentRefs(definition, { fotos: [HASH_A] }, [attachment, attachment]).fotos).toMatch(/duas vezes/);
  });
});
