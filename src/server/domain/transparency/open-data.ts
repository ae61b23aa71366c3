/** The public panel's open data: the published figures as rows, for the CSV and JSON downloads. */
import { bahiaDay } from '../../../shared/dates.ts';
import type { OpenDataRow, PanelEntry, PanelSnapshot } from '../../../shared/contract/transparency.ts';
import { csvPlainCell } from '../csv.ts';

/** The same figures as rows: what the CSV and JSON downloads hold (one concept, one place). */
export function openDataRows(snapshot: PanelSnapshot): OpenDataRow[] {
  const rows: OpenDataRow[] = [];
  const push = (secretaria: string, servico: string, periodo: string, metrica: string, valor: number | null) => rows.push({ secretaria, servico, periodo, metrica, valor });
  const today = bahiaDay(new Date(snapshot.computedAt));
  const entry = (secretaria: string, servico: string, e: PanelEntry) => {
    for (const [periodo, m] of Object.entries(e.periods)) {
      push(secretaria, servico, periodo, 'recebidos', m.received);
      push(secretaria, servico, periodo, 'encerrados', m.closed);
      push(secretaria, servico, periodo, 'no_prazo', m.onTimeShare);
      push(secretaria, servico, periodo, 'nao_atendidos', m.declinedShare);
      push(secretaria, servico, periodo, 'mediana_dias', m.medianDays);
      push(secretaria, servico, periodo, 'p90_dias', m.p90Days);
      push(secretaria, servico, periodo, 'avaliacoes', m.evaluations);
      push(secretaria, servico, periodo, 'nota_media', m.evaluationAverage);
      for (const [criterion, value] of Object.entries(m.criteria)) {
        push(secretaria, servico, periodo, `criterio_bom:${criterion}`, value.good);
        push(secretaria, servico, periodo, `criterio_ruim:${criterion}`, value.bad);
      }
    }
    push(secretaria, servico, today, 'em_aberto', e.open);
    push(secretaria, servico, today, 'atrasados', e.overdue);
    for (const point of e.trend) {
      push(secretaria, servico, point.month, 'recebidos', point.received);
      push(secretaria, servico, point.month, 'encerrados', point.closed);
      push(secretaria, servico, point.month, 'no_prazo', point.onTimeShare);
    }
  };
  for (const secretariat of snapshot.secretariats) entry(secretariat.id, '', secretariat);
  for (const service of snapshot.services) entry(service.secretariatId, service.id, service);
  for (const [periodo, types] of Object.entries(snapshot.manifestations)) {
    for (const [tipo, value] of Object.entries(types)) push('cidade', '', periodo, `manifestacoes:${tipo}`, value);
  }
  for (const item of snapshot.complaintsRanking) push(item.secretariatId, '', 'ultimos-12-meses', 'reclamacoes', item.complaints);
  push('ouvidoria-sem-encaminhamento', '', 'ultimos-12-meses', 'reclamacoes', snapshot.complaintsNotForwarded);
  for (const item of snapshot.integrityReports) push('cidade', '', item.month, 'relatos_integridade', item.reports);
  return rows;
}

export function toCsv(rows: readonly OpenDataRow[]): string {
  return `\uFEFFsecretaria,servico,periodo,metrica,valor\r\n${rows.map((r) => [r.secretaria, r.servico, r.periodo, r.metrica, r.valor].map(csvPlainCell).join(',')).join('\r\n')}\r\n`;
}
