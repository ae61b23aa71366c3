/** A radar signal in words (from its figures, never free text) with the links to the records behind it. */
import { SIGNAL_KINDS, SIGNAL_TITLES, type RadarSignal, type SignalKind } from '../../../shared/contract/radar.ts';

const number = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : value.toLocaleString('pt-BR', { maximumFractionDigits: digits }));
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value * 100).toLocaleString('pt-BR')}%`);
const count = (value: number | null | undefined, one: string, many: string) => `${number(value ?? 0, 0)} ${value === 1 ? one : many}`;

export function signalWords(signal: RadarSignal): string {
  const f = signal.figures;
  const t = signal.threshold;
  switch (signal.kind) {
    case 'overdue_rising':
      return `${percent(f.overdueShare)} dos pedidos com prazo nos últimos 30 dias passaram do prazo (${number(f.missedRecent, 0)} de ${number(f.dueRecent, 0)}), contra ${percent(f.overdueSharePrevious)} nos 30 dias anteriores: alta de ${number(f.risePoints)} pontos percentuais (limiar: ${number(t.overdueRisePoints)}).`;
    case 'declined_rising':
      return `${percent(f.declinedShare)} dos pedidos encerrados nos últimos 30 dias foram “não atendido” (${number(f.declinedRecent, 0)} de ${number(f.closedRecent, 0)}), contra ${percent(f.declinedShareUsual)} nos 12 meses anteriores: ${number(f.risePoints)} pontos percentuais acima do normal (limiar: ${number(t.declinedRisePoints)}).`;
    case 'evaluations_falling':
      return `Nota média ${number(f.average, 2)} nos últimos 30 dias (${count(f.evaluations, 'avaliação', 'avaliações')}), contra ${number(f.averagePrevious, 2)} nos 30 dias anteriores (${count(f.evaluationsPrevious, 'avaliação', 'avaliações')}): queda de ${number(f.drop, 2)} (limiar: ${number(t.evaluationDrop, 2)}).`;
    case 'complaints_spike':
      return `${count(f.complaints, 'reclamação', 'reclamações')} nos últimos 7 dias, contra a média de ${number(f.weeklyAverage, 2)} por semana nas 8 semanas anteriores (limiar: ${number(t.complaintFactor)} vezes a média e pelo menos ${number(t.minComplaints, 0)}).`;
    case 'repeated_changes':
      return `${count(f.requests, 'pedido reaberto ou transferido', 'pedidos reabertos ou transferidos')} ${number(t.repeatedChanges, 0)} vezes ou mais (${count(f.reopenings, 'reabertura', 'reaberturas')} e ${count(f.transfers, 'transferência', 'transferências')}; até ${number(f.mostChanges, 0)} num mesmo pedido).`;
    case 'manifestation_deadline':
      return `${count(f.manifestations, 'manifestação em aberto', 'manifestações em aberto')} a ${number(t.deadlineDays, 0)} dias ou menos do prazo legal; ${count(f.overdue, 'já passou', 'já passaram')} do prazo.`;
    case 'integrity_cluster':
      return `${count(f.reports, 'relato', 'relatos')} do Canal de Integridade ligados a este órgão ou processo nos últimos 30 dias (limiar: ${number(t.integrityCluster, 0)}). Só a contagem: o conteúdo fica no canal.`;
  }
}

const SHOWN_LINKS = 12;

function SignalItem({ signal, print }: { signal: RadarSignal; print: boolean }) {
  const { requests, queue, integrityReports } = signal.links;
  return (
    <li class="card radar-signal" data-testid="radar-signal" data-kind={signal.kind}>
      <h3>{signal.subject.name} <span class="muted">({signal.subject.type === 'service' ? 'serviço' : 'secretaria'})</span></h3>
      <p>{signalWords(signal)}</p>
      {requests.length > 0 && (
        <p>
          <span>{print ? 'Protocolos: ' : 'Ver: '}</span>
          {requests.slice(0, SHOWN_LINKS).map((r, i) => (
            <span key={r.id}>{i > 0 && ', '}<a href={`/gestao/pedidos/${r.id}`}>{r.protocol ?? 'pedido sem protocolo'}</a></span>
          ))}
          {requests.length > SHOWN_LINKS && <span> e mais {requests.length - SHOWN_LINKS}</span>}
        </p>
      )}
      {queue && <p class="no-print"><a href={queue}>Ver estes pedidos na fila</a></p>}
      {integrityReports.length > 0 && (
        <p>
          <span>{print ? 'Relatos: ' : 'Abrir no Canal de Integridade: '}</span>
          {integrityReports.slice(0, SHOWN_LINKS).map((id, i) => (
            <span key={id}>{i > 0 && ', '}<a href={`/gestao/integridade/${id}`}>relato {i + 1}</a></span>
          ))}
          {integrityReports.length > SHOWN_LINKS && <span> e mais {integrityReports.length - SHOWN_LINKS}</span>}
        </p>
      )}
    </li>
  );
}

/** The signals grouped by kind, a heading per kind that has any. */
export function SignalList({ signals, print = false }: { signals: readonly RadarSignal[]; print?: boolean }) {
  if (signals.length === 0) return <p class="notice notice-success" data-testid="radar-empty">Nenhum sinal aceso: nenhum limiar foi atingido.</p>;
  const kinds = SIGNAL_KINDS.filter((kind) => signals.some((s) => s.kind === kind));
  return (
    <div class="stack">
      {kinds.map((kind: SignalKind) => {
        const list = signals.filter((s) => s.kind === kind);
        return (
          <section key={kind} class="stack" aria-labelledby={`sinal-${kind}`}>
            <h2 id={`sinal-${kind}`}>{SIGNAL_TITLES[kind]} ({list.length})</h2>
            <ul class="card-list">{list.map((signal) => <SignalItem key={signal.id} signal={signal} print={print} />)}</ul>
          </section>
        );
      })}
    </div>
  );
}
