/** The panel's sections over time and about the Ouvidoria: the last 12 months, manifestações by type, complaints, integrity reports. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { PanelEntry, PanelSummary } from '../../../shared/contract/transparency.ts';
import { BarChart, ChartFigure, COLORS, Legend, LineChart, type Series, type TableData } from '../transparency/charts.tsx';
import { count, countOf, monthLong, monthShort, sentence, shortName } from '../transparency/panel-format.ts';
import { CLOSED, RECEIVED, TYPE_NAMES, nameOf, share } from './transparency-words.ts';

export function TrendSection({ summary }: { summary: PanelSummary }) {
  const initial = useMemo(() => {
    const total = (entry: PanelEntry) => entry.trend.reduce((sum, m) => sum + (m.received ?? 0), 0);
    return [...summary.secretariats].sort((a, b) => total(b) - total(a))[0]?.id ?? '';
  }, [summary]);
  const [chosen, setChosen] = useState(initial);
  useEffect(() => setChosen(initial), [initial]);
  const entry = summary.secretariats.find((s) => s.id === chosen) ?? summary.secretariats[0];
  if (!entry) return null;
  const name = shortName(entry.name);
  // Under the axis: the month's initials, and the year under each January (and the first month, when there is room).
  const months = entry.trend.map((m) => monthShort(m.month).slice(0, 3));
  const years = entry.trend.map((m, i) => (m.month.endsWith('-01') || (i === 0 && !entry.trend[1]?.month.endsWith('-01')) ? m.month.slice(0, 4) : null));
  const series: Series[] = [
    { name: 'Recebidos', values: entry.trend.map((m) => m.received), color: COLORS.first },
    { name: 'Encerrados', values: entry.trend.map((m) => m.closed), color: COLORS.second, dashed: true },
  ];
  const shownMonths = entry.trend.filter((m) => m.received !== null);
  const peak = [...shownMonths].sort((a, b) => b.received! - a.received!)[0];
  const hiddenMonths = entry.trend.length - shownMonths.length;
  const summaryText = peak
    ? `Nos últimos 12 meses, ${name} recebeu mais pedidos em ${monthLong(peak.month)} (${countOf(peak.received, 'pedido', 'pedidos')})${hiddenMonths > 0 ? `; em ${hiddenMonths === 1 ? '1 mês' : `${hiddenMonths} meses`} foram menos de 5, e a linha fica interrompida neles` : ''}.`
    : `Em todos os últimos 12 meses, ${name} recebeu menos de 5 pedidos por mês (ou nenhum), por isso a linha não aparece.`;
  const title = `Pedidos recebidos e encerrados por mês, ${name}, últimos 12 meses`;
  const table: TableData = {
    head: ['Mês', RECEIVED, CLOSED, 'No prazo'],
    rows: entry.trend.map((m) => ({ key: m.month, cells: [monthShort(m.month), count(m.received), count(m.closed), share(m.onTimeShare)] })),
  };
  return (
    <section class="section stack" aria-labelledby="tendencia">
      <h2 id="tendencia">Mês a mês</h2>
      <div class="field">
        <label for="tendencia-secretaria">Secretaria</label>
        <select id="tendencia-secretaria" value={entry.id} onChange={(event) => setChosen((event.target as HTMLSelectElement).value)}>
          {summary.secretariats.map((s) => <option key={s.id} value={s.id}>{shortName(s.name)}</option>)}
        </select>
      </div>
      <ChartFigure id="grafico-tendencia" title={title} summary={summaryText} table={table}>
        <LineChart labels={months} years={years} series={series} label={`${title}. ${summaryText}`} />
        <Legend series={series} />
      </ChartFigure>
    </section>
  );
}

export function ManifestationsSection({ summary, periodKey, when }: { summary: PanelSummary; periodKey: string; when: string }) {
  const types = Object.entries(summary.manifestations[periodKey] ?? {});
  if (types.length === 0) return null;
  const shown = types.filter(([, n]) => n !== null).sort((a, b) => b[1]! - a[1]!);
  const summaryText = shown.length === 0
    ? `${sentence(when)}, cada tipo de manifestação teve menos de 5 registros.`
    : `${sentence(when)}, o tipo de manifestação mais registrado na Ouvidoria foi ${nameOf(TYPE_NAMES, shown[0]![0]).toLowerCase()} (${count(shown[0]![1])})${shown.length < types.length ? `; ${types.length - shown.length === 1 ? 'um tipo teve' : `${types.length - shown.length} tipos tiveram`} menos de 5` : ''}.`;
  const title = `Manifestações à Ouvidoria por tipo, ${when}`;
  const table: TableData = { head: ['Tipo', 'Manifes\u00ADtações'], rows: types.map(([type, n]) => ({ key: type, cells: [nameOf(TYPE_NAMES, type), count(n)] })) };
  return (
    <section class="section stack" aria-labelledby="manifestacoes">
      <h2 id="manifestacoes">Manifestações à Ouvidoria</h2>
      <ChartFigure id="grafico-manifestacoes" title={title} summary={summaryText} table={table}>
        <BarChart label={`${title}. ${summaryText}`} bars={types.map(([type, n]) => ({ label: nameOf(TYPE_NAMES, type), value: n, text: count(n) }))} />
      </ChartFigure>
    </section>
  );
}

export function ComplaintsSection({ summary }: { summary: PanelSummary }) {
  // Only the bodies with 5 or more are ranked; the others follow in alphabetical order, so that their
  // order says nothing about counts the panel does not publish.
  const shown = summary.complaintsRanking.filter((r) => r.complaints !== null);
  const unranked = summary.complaintsRanking.filter((r) => r.complaints === null).sort((a, b) => shortName(a.name).localeCompare(shortName(b.name), 'pt-BR'));
  const ranking = [...shown, ...unranked];
  const hidden = unranked.length;
  const summaryText = shown.length === 0
    ? 'Nos últimos 12 meses, nenhum órgão recebeu 5 ou mais reclamações.'
    : `Nos últimos 12 meses, ${shortName(shown[0]!.name)} foi o órgão com mais reclamações (${count(shown[0]!.complaints)})${hidden > 0 ? `; ${hidden === 1 ? 'um órgão teve' : `${hidden} órgãos tiveram`} menos de 5` : ''}.`;
  const title = 'Reclamações por órgão, últimos 12 meses';
  const table: TableData = {
    head: ['Posição', 'Órgão', 'Recla\u00ADmações'],
    rows: ranking.map((r, i) => ({ key: r.secretariatId, cells: [r.complaints === null ? '' : `${i + 1}º`, shortName(r.name), count(r.complaints)] })),
  };
  return (
    <section class="section stack" aria-labelledby="reclamacoes">
      <h2 id="reclamacoes">Órgãos com mais reclamações</h2>
      <p>A lista do artigo 23 da Lei 13.460/2017: as reclamações que a Ouvidoria encaminhou a cada órgão, do que tem mais para o que tem menos. Os órgãos com menos de 5 vêm depois, em ordem alfabética e sem posição.</p>
      <ChartFigure id="grafico-reclamacoes" title={title} summary={summaryText} table={table}>
        <BarChart label={`${title}. ${summaryText}`} bars={ranking.map((r) => ({ label: shortName(r.name), value: r.complaints, text: count(r.complaints) }))} />
      </ChartFigure>
      <p>Reclamações que a Ouvidoria ainda não encaminhou a um órgão: {count(summary.complaintsNotForwarded)}.</p>
    </section>
  );
}

export function IntegritySection({ summary }: { summary: PanelSummary }) {
  const months = summary.integrityReports;
  if (months.length === 0) return null;
  const shown = months.filter((m) => m.reports !== null);
  const peak = [...shown].sort((a, b) => b.reports! - a.reports!)[0];
  const summaryText = peak
    ? `O mês com mais relatos ao Canal de Integridade foi ${monthLong(peak.month)} (${count(peak.reports)})${shown.length < months.length ? `; em ${months.length - shown.length === 1 ? '1 mês' : `${months.length - shown.length} meses`} foram menos de 5` : ''}.`
    : 'Em todos os últimos 12 meses, o Canal de Integridade recebeu menos de 5 relatos por mês.';
  const title = 'Relatos ao Canal de Integridade por mês, últimos 12 meses';
  const table: TableData = { head: ['Mês', 'Relatos'], rows: months.map((m) => ({ key: m.month, cells: [monthShort(m.month), count(m.reports)] })) };
  return (
    <section class="section stack" aria-labelledby="integridade">
      <h2 id="integridade">Canal de Integridade</h2>
      <p>Só o total de relatos de cada mês: nenhum detalhe de um relato é publicado. <a href="/integridade">Saiba mais sobre integridade na Prefeitura</a>.</p>
      <ChartFigure id="grafico-integridade" title={title} summary={summaryText} table={table}>
        <BarChart label={`${title}. ${summaryText}`} bars={months.map((m) => ({ label: monthShort(m.month), value: m.reports, text: count(m.reports) }))} />
      </ChartFigure>
    </section>
  );
}
