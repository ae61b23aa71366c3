/** The back office's words for the integrity channel (staff words: the reporter's app says them its own way). */
import type { IdentificationMode, IntegrityStatus } from '../../../shared/contract/integrity.ts';
import { INTEGRITY_RISK_LABELS } from '../../../shared/contract/integrity-staff.ts';

export const INTEGRITY_STATUS_WORDS: Record<IntegrityStatus, string> = {
  recebida: 'Recebido',
  em_analise: 'Em análise',
  em_apuracao: 'Em apuração',
  aguardando_voce: 'Aguardando o denunciante',
  concluida: 'Concluído',
  arquivada: 'Arquivado',
};

export const IDENTIFICATION_WORDS: Record<IdentificationMode, string> = {
  anonimo: 'Anônimo',
  preservada: 'Identidade preservada',
  identificado: 'Identificado',
};

/** The options of the integrity form's "O que você quer denunciar". */
export const TIPO_WORDS: Record<string, string> = {
  fraude: 'Fraude',
  propina: 'Propina',
  'conflito-de-interesses': 'Conflito de interesses',
  nepotismo: 'Nepotismo',
  desvio: 'Desvio de dinheiro ou de bens',
  assedio: 'Assédio',
  outro: 'Outro',
};

/** Labels of the integrity form's answers (the field ids of the charter's denuncia-integridade). */
export const ANSWER_LABELS: Record<string, string> = {
  tipo: 'O que denuncia',
  orgao: 'Órgão onde aconteceu',
  quando: 'Quando aconteceu',
  envolvidos: 'Quem está envolvido',
  relato: 'O que aconteceu',
  fotos: 'Fotos ou documentos',
  identificar: 'Quer se identificar',
  nome: 'Nome',
  cpf: 'CPF',
  email: 'E-mail',
  telefone: 'Telefone',
  consentimento: 'Concordou com o uso dos dados para a apuração',
};

export function riskWords(category: string | null): string {
  if (!category) return 'sem categoria';
  return (INTEGRITY_RISK_LABELS as Record<string, string>)[category] ?? category;
}

/** An answer as text: options in words, "Sim"/"Não", lists joined. */
export function answerWords(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'Sim' : 'Não';
  if (Array.isArray(value)) return value.map((item) => answerWords(item)).join(', ');
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).filter((item) => item !== undefined).map(String).join(' · ');
  return String(value ?? '');
}
