/** The panel's words: names of manifestação types and criteria, and how a figure the server hid reads. */
import { LESS_THAN_FIVE } from '../../../shared/contract/transparency.ts';
import { percent, sentence } from '../transparency/panel-format.ts';

export const TYPE_NAMES: Record<string, string> = {
  reclamacao: 'Reclamações',
  denuncia: 'Denúncias',
  sugestao: 'Sugestões',
  elogio: 'Elogios',
  solicitacao: 'Solicitações',
  simplifique: 'Simplifique (ideias para simplificar)',
};

export const CRITERION_NAMES: Record<string, string> = {
  clareza: 'Clareza da informação',
  prazo: 'Prazo',
  cortesia: 'Cortesia no atendimento',
  acesso: 'Facilidade de acesso',
  resultado: 'Resultado',
};

/**
 * A share, median or average the server did not publish: too few on one side of it (a share needs 5 on
 * time and 5 late, say), or it would let someone work out a small count. Said without a number.
 */
export const HIDDEN_ON_TIME = 'não publicado: poucos no prazo ou fora dele';
export const HIDDEN_DECLINED = 'não publicado: poucos atendidos ou não atendidos';
export const HIDDEN_TIME = 'não publicado: poucos pedidos encerrados';
export const HIDDEN_GRADE = 'não publicada: poucas avaliações';

/** In a table cell: a share whose count the server hid reads "menos de 5" like the counts beside it. */
export const share = (value: number | null) => (value === null ? LESS_THAN_FIVE : percent(value));

/** Table headers that may break at a soft hyphen on a narrow screen, so that four columns fit 320 px. */
export const RECEIVED = 'Rece\u00ADbidos';
export const CLOSED = 'Encer\u00ADrados';

export const nameOf = (names: Record<string, string>, key: string) => names[key] ?? sentence(key.replace(/[-_]/g, ' '));
