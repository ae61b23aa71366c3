import type { SubmissionKind } from '../../../shared/contract/forms.ts';

/** Where a draft or a rejected record of this kind is filled in again. */
export function formPath(kind: SubmissionKind, serviceId: string, query: { rascunho?: string; corrigir?: string } = {}): string {
  const base = `/servicos/${encodeURIComponent(serviceId)}/${kind === 'evaluation' ? 'avaliar' : 'solicitar'}`;
  const params = new URLSearchParams(query as Record<string, string>).toString();
  return params ? `${base}?${params}` : base;
}
