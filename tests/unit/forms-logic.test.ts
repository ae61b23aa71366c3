import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../../src/shared/contract/forms.ts';
import { applyMask, caretAfterMask } from '../../src/apps/citizen/forms/masks.ts';
import { answerToBrDate, brDateToAnswer, maskBrDate, parseNumberInput } from '../../src/apps/citizen/forms/answer-parsing.ts';
import { attemptsFor, pickEncodingToKeep, fitWithin, PHOTO_TARGET_BYTES } from '../../src/apps/citizen/forms/photo-size.ts';
import { attachmentsFor, createFormState } from '../../src/apps/citizen/forms/form-state.ts';

const evaluation: FormDefinition = {
  id: 'avaliacao-servico', version: 1, title: 'Avaliar o serviço', kind: 'evaluation',
  fields: [
    { id: 'nota', label: 'Nota', type: 'radio', required: true, options: ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v })) },
    { id: 'comentario', label: 'Comentário', type: 'textarea', required: false, maxLength: 500 },
    { id: 'identificar', label: 'Quero me identificar', type: 'checkbox', required: false },
    { id: 'nome', label: 'Nome', type: 'text', required: true, visibleIf: { field: 'identificar', equals: true } },
    { id: 'email', label: 'E-mail', type: 'email', required: false, visibleIf: { field: 'identificar', equals: true } },
    { id: 'fotos', label: 'Fotos', type: 'photo', required: false },
  ],
};

describe('masks', () => {
  it('masks CPF, phone and CEP as they are typed, with the caret after the same digit', () => {
    expect(applyMask('cpf', '52998224725')).toBe('529.982.247-25');
    expect(applyMask('phone', '77988887777')).toBe('(77) 98888-7777');
    expect(applyMask('phone', '7734241000')).toBe('(77) 3424-1000');
    expect(applyMask('cep', '45000000')).toBe('45000-000');
    expect(applyMask('text', '12 abc')).toBe('12 abc');
    expect(caretAfterMask('5299', 4, applyMask('cpf', '5299'))).toBe(5);
    expect(caretAfterMask('529.9823', 8, applyMask('cpf', '529.9823'))).toBe(9);
  });
});

describe('answer parsing', () => {
  it('reads numbers as Brazilians write them', () => {
    expect(parseNumberInput('2,5')).toBe(2.5);
    expect(parseNumberInput('1.250,75')).toBe(1250.75);
    expect(parseNumberInput('12')).toBe(12);
    expect(parseNumberInput(' ')).toBeUndefined();
    expect(parseNumberInput('doze')).toBeNaN();
  });

  it('turns DD/MM/AAAA into ISO dates only when complete and real', () => {
    expect(maskBrDate('31122025')).toBe('31/12/2025');
    expect(maskBrDate('311')).toBe('31/1');
    expect(brDateToAnswer('31/12/2025')).toBe('2025-12-31');
    expect(brDateToAnswer('31/02/2025')).toBe('31/02/2025');
    expect(brDateToAnswer('3/1')).toBe('3/1');
    expect(brDateToAnswer('')).toBeUndefined();
    expect(answerToBrDate('2025-12-31')).toBe('31/12/2025');
  });
});

describe('photo size choice', () => {
  it('fits the longest side within 1600 px without enlarging', () => {
    expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000, 1600)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600, 1600)).toEqual({ width: 800, height: 600 });
    expect(attemptsFor(4000, 3000).every((a) => a.maxSide <= 1600)).toBe(true);
  });

  it('keeps the first encoding within 400 KB, else the smallest once attempts run out', () => {
    expect(pickEncodingToKeep([{ size: PHOTO_TARGET_BYTES + 1 }], 2)).toBeUndefined();
    expect(pickEncodingToKeep([{ size: PHOTO_TARGET_BYTES + 1 }, { size: 300_000 }], 2)).toEqual({ size: 300_000 });
    expect(pickEncodingToKeep([{ size: 900_000 }, { size: 500_000 }], 0)).toEqual({ size: 500_000 });
  });
});

describe('form state', () => {
  it('shows messages only for fields left or after submit, and re-renders only what changed', () => {
    const state = createFormState(evaluation, {}, {});
    const renders: string[] = [];
    for (const field of evaluation.fields) state.subscribe(field.id, () => renders.push(field.id));
    for (const field of evaluation.fields) state.view(field.id);
    expect(state.view('nota').error).toBeUndefined();

    state.set('comentario', 'Bom');
    expect(renders).toEqual(['comentario']);
    renders.length = 0;
    state.set('identificar', true);
    expect(renders.sort()).toEqual(['email', 'identificar', 'nome']);
    expect(state.view('nome').visible).toBe(true);

    const errors = state.validateAll();
    expect(Object.keys(errors)).toEqual(['nota', 'nome']);
    expect(state.view('nota').error).toBe('Escolha uma opção.');
    renders.length = 0;
    state.set('nota', '4');
    expect(renders).toEqual(['nota']);
    expect(state.view('nota').error).toBeUndefined();

    state.set('identificar', false);
    expect(state.view('nome').visible).toBe(false);
    expect(state.validateAll()).toEqual({});
  });

  it('keeps "fill this in" for the submit: leaving an empty field shows nothing, leaving a wrong answer does', () => {
    const state = createFormState(evaluation, { identificar: true }, {});
    state.touch('nota');
    state.touch('nome');
    expect(state.view('nota').error).toBeUndefined();
    expect(state.view('nome').error).toBeUndefined();
    state.set('email', 'maria@');
    state.touch('email');
    expect(state.view('email').error).toBeDefined();
    // Erasing a touched answer takes the message back until the submit.
    state.set('email', undefined);
    expect(state.view('email').error).toBeUndefined();
    state.validateAll();
    expect(state.view('nota').error).toBe('Escolha uma opção.');
    expect(state.view('nome').error).toMatch(/Preencha/);
  });

  it('shows a server message until the person changes that field', () => {
    const state = createFormState(evaluation, { nota: '3', comentario: 'x' }, {});
    state.setServerErrors({ comentario: 'Texto não aceito.' });
    expect(state.view('comentario').error).toBe('Texto não aceito.');
    expect(state.validateAll()).toEqual({ comentario: 'Texto não aceito.' });
    state.set('comentario', 'Agora sim');
    expect(state.view('comentario').error).toBeUndefined();
  });

  it('lists the photos of the answers as attachments under their field', () => {
    const sha = 'a'.repeat(64);
    expect(attachmentsFor(evaluation, { fotos: [sha] }, new Map([[sha, { type: 'image/jpeg' as const, size: 1000 }]])))
      .toEqual([{ sha256: sha, type: 'image/jpeg', size: 1000, fieldId: 'fotos' }]);
  });
});
