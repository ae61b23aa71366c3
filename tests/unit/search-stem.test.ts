import { describe, expect, it } from 'vitest';
import { stem } from '../../src/apps/citizen/search/stem.ts';
import { normalizeText } from '../../src/shared/text.ts';

/** The stemmer works on normalised words (no accents, lower case), as the index holds them. */
const stemOf = (word: string) => stem(normalizeText(word));

describe('stem (light pt-BR)', () => {
  it.each([
    ['reclamar', 'reclamação', 'reclamações', 'reclamo', 'reclamou', 'reclamei', 'reclamando'],
    ['vacina', 'vacinas', 'vacinação', 'vacinar'],
    ['aposentadoria', 'aposentado', 'aposentada', 'aposentar'],
    ['agendar', 'agendamento', 'agendado'],
    ['nascimento', 'nascido', 'nascer'],
    ['pública', 'público', 'públicas', 'públicos'],
    ['idoso', 'idosa', 'idosos'],
    ['escola', 'escolas', 'escolar'],
    ['transferência', 'transferir'],
    ['construção', 'construir'],
    ['estudante', 'estudantes', 'estudar'],
    ['iluminação', 'iluminar'],
    ['quebrada', 'quebrado', 'quebrou', 'quebrar'],
    ['posto', 'postos', 'postinho'],
  ])('"%s" and its variants share one stem', (...words) => {
    const stems = new Set(words.map(stemOf));
    expect([...stems], words.join(', ')).toHaveLength(1);
  });

  it.each([
    ['imóveis', 'imóvel'],
    ['sociais', 'social'],
    ['jovens', 'jovem'],
    ['mulheres', 'mulher'],
    ['luzes', 'luz'],
    ['botões', 'botão'],
  ])('reduces the plural "%s" to its singular "%s"', (plural, singular) => {
    expect(stemOf(plural)).toBe(stemOf(singular));
  });

  it.each([
    ['ponte', 'ponto'],
    ['poste', 'posto'],
    ['reclamar', 'declarar'],
    ['vacina', 'vaca'],
    ['parte', 'parto'],
  ])('keeps "%s" and "%s" apart', (a, b) => {
    expect(stemOf(a)).not.toBe(stemOf(b));
  });

  it('leaves short words, codes and numbers alone', () => {
    for (const word of ['rg', 'bpc', 'sus', 'iptu', 'cnh', '2a', '162', 'br116']) expect(stem(word)).toBe(word);
  });

  it('never cuts a word below three letters', () => {
    for (const word of ['vida', 'saida', 'caiu', 'cair', 'pais', 'reis', 'mais', 'lugar', 'cidade', 'ouvidoria', 'mente', 'nacao']) {
      const root = stem(word);
      expect(root.length, word).toBeGreaterThanOrEqual(3);
      expect(word.startsWith(root), word).toBe(true);
    }
  });
});
