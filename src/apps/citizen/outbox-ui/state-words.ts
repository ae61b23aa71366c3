/** Record states in words a person understands (issue 4: "Aguardando sinal para enviar"). */
import { bahiaDay } from '../../../shared/dates.ts';
import { formatDueDay } from '../../../shared/deadlines.ts';
import { STATUS_LABELS } from '../../../shared/contract/status.ts';
import { isIntegrity, type OutboxRecord } from '../../../sync/outbox/db.ts';

export function recordStateWords(record: OutboxRecord): string {
  // The integrity channel has no protocol; a denúncia's receipt is shown on its page only, never on the list.
  if (isIntegrity(record) && record.state === 'sent') return record.integrity?.receipt ? 'Enviada: abra para anotar o recibo' : 'Enviada';
  switch (record.state) {
    case 'queued': return 'Aguardando sinal para enviar';
    case 'sending': return 'Enviando…';
    case 'retry': return 'Aguardando sinal para enviar (vamos tentar de novo sozinhos)';
    case 'sent': return record.receipt ? `Enviado: protocolo ${record.receipt.protocol}` : 'Enviado';
    case 'rejected': return 'Precisa de correção antes de enviar';
    case 'conflict': return 'Não foi possível enviar: veja o que fazer';
    case 'stuck': return 'Precisa de atenção: a Prefeitura não conseguiu receber (guardado aqui)';
  }
}

/** "Prazo: até 12/12/2026": the promised deadline in the person's words (the day, in Bahia). */
export function dueWords(record: OutboxRecord): string | undefined {
  if (!record.dueAt || record.state !== 'sent') return undefined;
  const status = record.receipt?.status;
  if (status === 'done' || status === 'declined') return undefined;
  return `Prazo: até ${formatDueDay(bahiaDay(record.dueAt))}`;
}

/** The progress of a sent request as the Prefeitura reports it. */
export function progressWords(record: OutboxRecord): string | undefined {
  return record.receipt ? STATUS_LABELS[record.receipt.status] : undefined;
}

export function kindWords(kind: OutboxRecord['kind']): string {
  return kind === 'evaluation' ? 'Avaliação' : kind === 'manifestation' ? 'Manifestação' : 'Solicitação';
}

export function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}

/** "29/11/2026" from a day written YYYY-MM-DD (the integrity channel keeps days only). */
export function dayWords(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : day;
}

const dateFormat = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Bahia' });

export function dateWords(value: string | number | undefined): string {
  if (value === undefined) return '';
  return dateFormat.format(new Date(value));
}
