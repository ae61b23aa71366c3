/**
 * /gestao/relatorio — the yearly management report of the Ouvidoria and the Carta de Serviços (Law 13.460,
 * arts. 14 and 15) for any year: manifestações by type and outcome, deadlines met, requests and evaluations
 * per secretariat, the complaints ranking, and the Integrity Plan's progress. The figures are the published
 * panel's (a count under 5 reads "menos de 5"); the page prints black on white without the navigation.
 */
import { YearlyReportSchema, type YearlyReport } from '../../../shared/contract/radar.ts';
import { LESS_THAN_FIVE } from '../../../shared/contract/transparency.ts';
import { navigate, type PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { SelectField, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { dateTimeWords, staffDateWords } from '../ui/words.ts';

const FIRST_YEAR = 2000;
const OUTCOME_WORDS = { open: 'Em aberto', answered: 'Respondidas', declined: 'Não atendidas' } as const;

const currentYear = () => Number(new Date(Date.now() - 3 * 3_600_000).toISOString().slice(0, 4));
const count = (value: number | null) => (value === null ? LESS_THAN_FIVE : value.toLocaleString('pt-BR'));
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100).toLocaleString('pt-BR')}%`);
const decimal = (value: number | null, digits = 1) => (value === null ? '—' : value.toLocaleString('pt-BR', { maximumFractionDigits: digits }));

export default function ReportPage({ query }: PageProps) {
  const asked = query.get('ano') ?? '';
  const year = /^\d{4}$/.test(asked) ? Number(asked) : currentYear();
  useStaffPageTitle(`Relatório de gestão ${year}`);
  const { value: report, failure } = useLoad(() => api(YearlyReportSchema, `/api/gestao/relatorio-anual?ano=${year}`), [year]);

  const years: number[] = [];
  for (let y = currentYear(); y >= Math.max(FIRST_YEAR, currentYear() - 15); y--) years.push(y);
  if (!years.includes(year) && year >= FIRST_YEAR) years.push(year);

  return (
    <div class="page page-wide stack printable">
      <h1>Relatório de gestão da Ouvidoria e da Carta de Serviços — {year}</h1>
      <p>Lei 13.460/2017, artigos 14 e 15: manifestações recebidas, prazos cumpridos, avaliações dos serviços e o ranking de reclamações, com os mesmos números do painel de transparência.</p>
      <form class="button-row no-print" onSubmit={(event) => event.preventDefault()}>
        <SelectField id="relatorio-ano" label="Ano do relatório" value={String(year)} onChange={(event) => navigate(`/gestao/relatorio?ano=${inputValue(event)}`)}>
          {years.map((y) => <option key={y} value={String(y)}>{y}</option>)}
        </SelectField>
        <button type="button" class="button button-primary" onClick={() => window.print()}>Imprimir</button>
      </form>
      {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
      {!report && !failure && <p>Carregando…</p>}
      {report && <ReportBody report={report} />}
    </div>
  );
}

function Table({ id, caption, head, rows, numbers = true }: { id: string; caption: string; head: string[]; rows: (string | number)[][]; numbers?: boolean }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={id} tabindex={0}>
      <table class="report-table">
        <caption id={id}>{caption}</caption>
        <thead><tr>{head.map((h, i) => <th key={h} scope="col" class={i && numbers ? 'number' : undefined}>{h}</th>)}</tr></thead>
        <tbody>
          {rows.map((row) => (
            <tr key={String(row[0])}>
              {row.map((value, i) => (i === 0 ? <th key={i} scope="row">{value}</th> : <td key={i} class={numbers ? 'number' : undefined}>{value}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReportBody({ report }: { report: YearlyReport }) {
  return (
    <div class="stack" data-testid="relatorio">
      <p class="muted">Período: {staffDateWords(`${report.from}T12:00:00Z`)} a {staffDateWords(`${report.to}T12:00:00Z`)} · calculado em {dateTimeWords(report.computedAt)}. “{LESS_THAN_FIVE}” marca contagens pequenas, que não são publicadas para não expor ninguém.</p>

      <section class="stack" aria-labelledby="r-manifestacoes">
        <h2 id="r-manifestacoes">Manifestações à Ouvidoria</h2>
        <p>Total recebido no ano: <strong>{count(report.manifestationsTotal)}</strong>.</p>
        <Table id="r-tipos" caption="Manifestações recebidas por tipo" head={['Tipo', 'Recebidas']}
          rows={report.manifestationsByType.map((t) => [t.label, count(t.count)])} />
        <Table id="r-situacao" caption="Situação hoje das manifestações recebidas no ano" head={['Situação', 'Manifestações']}
          rows={report.manifestationsByOutcome.map((o) => [OUTCOME_WORDS[o.outcome], count(o.count)])} />
        <p>Encerradas no ano: <strong>{count(report.manifestationsClosed)}</strong>; dentro do prazo legal (30 dias, prorrogáveis uma vez por mais 30): <strong>{percent(report.manifestationsOnTimeShare)}</strong>.</p>
      </section>

      <section class="stack" aria-labelledby="r-servicos">
        <h2 id="r-servicos">Pedidos de serviço e avaliações por secretaria</h2>
        <Table id="r-secretarias" caption={`Pedidos e avaliações em ${report.year}`}
          head={['Secretaria', 'Recebidos', 'Encerrados', 'No prazo', 'Não atendidos', 'Mediana (dias)', 'Avaliações', 'Nota média']}
          rows={report.secretariats.map((s) => [s.name, count(s.received), count(s.closed), percent(s.onTimeShare), percent(s.declinedShare), decimal(s.medianDays), count(s.evaluations), decimal(s.evaluationAverage, 2)])} />
      </section>

      <section class="stack" aria-labelledby="r-ranking">
        <h2 id="r-ranking">Ranking de reclamações</h2>
        <Table id="r-ranking-tabela" caption="Reclamações encaminhadas a cada secretaria no ano, da que recebeu mais à que recebeu menos" head={['Secretaria', 'Reclamações']}
          rows={report.complaintsRanking.map((c) => [c.name, count(c.complaints)])} />
        <p>Reclamações ainda não encaminhadas pela Ouvidoria: {count(report.complaintsNotForwarded)}.</p>
      </section>

      <section class="stack" aria-labelledby="r-integridade">
        <h2 id="r-integridade">Integridade</h2>
        <p>Relatos recebidos pelo Canal de Integridade no ano: <strong>{count(report.integrityReports)}</strong> (só o total).</p>
        {report.plan ? (
          <Table id="r-plano" caption={`${report.plan.title} (${report.plan.period}): andamento das ações`} head={['Ação', 'Responsável', 'Prazo', 'Situação', 'Avanço']} numbers={false}
            rows={report.plan.actions.map((a) => [a.title, a.responsible, staffDateWords(`${a.deadline}T12:00:00Z`), a.statusLabel, `${a.progress}%`])} />
        ) : <p>O Plano de Integridade ainda não foi publicado.</p>}
      </section>
    </div>
  );
}
