/** The back office's words for statuses, deadline flags, event types and dates (Bahia time). */
import type { SubmissionKind } from '../../../shared/contract/forms.ts';
import type { SubmissionStatus } from '../../../shared/contract/status.ts';
import type { RequestDeadlineFlag, RequestEvent, StaffRole } from '../../../shared/contract/staff.ts';

/** Staff words (the citizen's app says "Aguardando a sua resposta" where staff read "Aguardando o cidadão"). */
export const STATUS_WORDS: Record<SubmissionStatus, string> = {
  received: 'Recebido',
  in_review: 'Em análise',
  in_progress: 'Em andamento',
  waiting_citizen: 'Aguardando o cidadão',
  answered: 'Respondido',
  done: 'Concluído',
  declined: 'Não atendido',
};

export const FLAG_WORDS: Record<RequestDeadlineFlag, string> = {
  overdue: 'atrasado',
  due_soon: 'vence em breve',
  on_time: 'no prazo',
  paused: 'aguardando o cidadão',
  met: 'cumprido',
  missed: 'fora do prazo',
};

export const KIND_WORDS: Record<SubmissionKind, string> = {
  request: 'Solicitação',
  manifestation: 'Manifestação',
  evaluation: 'Avaliação',
};

export const EVENT_WORDS: Record<RequestEvent['type'], string> = {
  status: 'Situação',
  question: 'Pergunta ao cidadão',
  reply: 'Resposta do cidadão',
  transfer: 'Transferência',
  assign: 'Atribuição',
  note: 'Nota interna',
  forward: 'Encaminhada pela Ouvidoria',
  internal_answer: 'Resposta interna da secretaria',
};

const dateTime = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Bahia' });
const dateOnly = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeZone: 'America/Bahia' });

/** A manifestação read without its author's identity has no protocol (the number is sequential). */
export function protocolWords(protocol: string | null): string {
  return protocol ? `Protocolo ${protocol}` : 'Manifestação (protocolo com a Ouvidoria)';
}

/** An instant in words; a bare day (YYYY-MM-DD, where the server withholds the time) as that day alone. */
export function dateTimeWords(iso: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function staffDateWords(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

/** A file's size as staff read it: "350 KB", "1,4 MB". */
export function sizeWords(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('pt-BR')} ${n === 1 ? one : many}`;
}

/** One line per role, from the permission matrix (src/server/staff/permissions.ts). */
export const ROLE_DESCRIPTIONS: Record<StaffRole, string> = {
  atendente: 'Atende os pedidos das suas secretarias: lê, muda a situação, pergunta ao cidadão, escreve notas internas e baixa a lista; responde à Ouvidoria as manifestações encaminhadas.',
  gestor: 'Tudo o que o atendente faz nas suas secretarias, e também atribui pedidos a colegas, transfere para outra secretaria e cuida dos modelos de resposta.',
  ouvidoria: 'Lê as manifestações de todas as secretarias, encaminha cada uma à secretaria responsável, prorroga o prazo uma vez, dá a resposta final ao cidadão e lê o relatório anual.',
  controladoria: 'Lê todos os pedidos e manifestações, o registro de auditoria, o radar de riscos e o relatório anual (só muda os limiares do radar); cuida sozinha do Canal de Integridade e atualiza o Plano de Integridade.',
  admin: 'Cria e muda contas e importa a Carta de Serviços; não vê o conteúdo dos pedidos.',
};
