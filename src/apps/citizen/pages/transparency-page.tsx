/**
 * /transparencia — the public panel (Law 13.460, arts. 14, 15 and 23): how each secretariat and each of
 * its services kept the promises of the Service Charter, over a chosen period; the Ouvidoria's
 * manifestações by type; the bodies with most complaints; the last 12 months; the Integrity Channel's
 * reports per month; and the open data. No sign-in. Every chart has its table and a sentence; a count the
 * server hid (fewer than 5) reads "menos de 5". Offline it shows the last copy read, with its date.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Metrics, type PanelEntry, type PanelServices, type PanelSummary, type ServiceEntry } from '../../../shared/contract/transparency.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { useAppStore } from '../state/app-store.ts';
import { formatDateTime } from '../ui/format.ts';
import { usePageTitle } from '../ui/use-page-title.ts';
import { BarChart, ChartFigure, DataTable, type TableData } from '../transparency/charts.tsx';
import { loadServices, loadSummary } from '../transparency/panel-data.ts';
import { count, countOf, days, grade, percent, periodPhrase, sentence, shortName } from '../transparency/panel-format.ts';
import '../transparency/panel.css';
import { ComplaintsSection, IntegritySection, ManifestationsSection, TrendSection } from './transparency-trends.tsx';
import { CLOSED, CRITERION_NAMES, HIDDEN_DECLINED, HIDDEN_GRADE, HIDDEN_ON_TIME, HIDDEN_TIME, RECEIVED, nameOf, share } from './transparency-words.ts';

const DEFAULT_PERIOD = 'ultimos-12-meses';

type Loaded = { state: 'loading' } | { state: 'ready'; summary: PanelSummary } | { state: 'failed' };
type ServicesState = { state: 'idle' } | { state: 'loading' } | { state: 'failed' } | { state: 'ready'; data: PanelServices };

const EMPTY: Metrics = {
  received: null, closed: null, onTimeShare: null, declinedShare: null, medianDays: null, p90Days: null,
  evaluations: null, evaluationAverage: null, criteria: {},
};

export default function TransparencyPage(_props: PageProps) {
  usePageTitle('Painel de transparência');
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [period, setPeriod] = useState(DEFAULT_PERIOD);

  useEffect(() => {
    let live = true;
    loadSummary({ fresh: true }).then(
      (summary) => live && setLoaded(summary ? { state: 'ready', summary } : { state: 'failed' }),
      () => live && setLoaded({ state: 'failed' }),
    );
    return () => { live = false; };
  }, [attempt]);

  if (loaded.state === 'loading') {
    return <div class="page"><h1 tabindex={-1}>Painel de transparência</h1><p role="status">Carregando os números…</p></div>;
  }
  if (loaded.state === 'failed') {
    return (
      <div class="page stack">
        <h1 tabindex={-1}>Painel de transparência</h1>
        <p class="notice">Não foi possível abrir o painel agora. Ele fica guardado no aparelho depois da primeira vez que abre com internet.</p>
        <p><button type="button" class="button button-primary" onClick={() => { setLoaded({ state: 'loading' }); setAttempt((n) => n + 1); }}>Tentar de novo</button></p>
      </div>
    );
  }
  return <Panel summary={loaded.summary} period={period} onPeriod={setPeriod} />;
}

function Panel({ summary, period: wanted, onPeriod }: { summary: PanelSummary; period: string; onPeriod: (key: string) => void }) {
  const online = useAppStore((s) => s.online);
  const period = summary.periods.find((p) => p.key === wanted) ?? summary.periods[0]!;
  const when = periodPhrase(period);
  const metricsOf = (entry: PanelEntry) => entry.periods[period.key] ?? EMPTY;

  return (
    <div class="page stack panel">
      <h1 tabindex={-1}>Painel de transparência</h1>
      <p class="lead">Quantos pedidos cada secretaria recebeu, quantos resolveu dentro do prazo prometido na Carta de Serviços, quanto tempo levou e como as pessoas avaliaram o atendimento.</p>
      <p class="panel-date" data-testid="panel-date">
        <strong>Dados de {formatDateTime(summary.computedAt)}.</strong>
        {online ? ' Os números são atualizados a cada hora.' : ' Sem internet: estes são os últimos números guardados neste aparelho.'}
      </p>
      <p class="muted">Para proteger quem fez os pedidos, quando uma conta dá menos de 5 o painel mostra “menos de 5”, sem o número exato. Um percentual, uma média ou uma mediana só aparece quando há pelo menos 5 pedidos (ou avaliações) de cada lado.</p>

      <div class="field panel-period">
        <label for="periodo">Período</label>
        <select id="periodo" value={period.key} onChange={(event) => onPeriod((event.target as HTMLSelectElement).value)}>
          {summary.periods.map((p) => <option key={p.key} value={p.key}>{p.label}</option>)}
        </select>
      </div>

      <OnTimeSection summary={summary} when={when} metricsOf={metricsOf} />
      <SecretariatsSection summary={summary} periodKey={period.key} when={when} metricsOf={metricsOf} />
      <TrendSection summary={summary} />
      <ManifestationsSection summary={summary} periodKey={period.key} when={when} />
      <ComplaintsSection summary={summary} />
      <IntegritySection summary={summary} />

      <section class="section stack" aria-labelledby="dados-abertos">
        <h2 id="dados-abertos">Dados abertos</h2>
        <p>Todos os números do painel, por secretaria, serviço, período e mês, para baixar e usar livremente.</p>
        <ul class="plain-list panel-downloads">
          <li><a href="/api/transparencia/dados.csv" download>Baixar a planilha (CSV)</a></li>
          <li><a href="/api/transparencia/dados.json" download>Baixar os dados (JSON)</a></li>
          <li><a href="/api/transparencia/dicionario.json">Dicionário de dados: o que significa cada coluna e cada métrica (JSON)</a></li>
        </ul>
      </section>
    </div>
  );
}

type MetricsOf = (entry: PanelEntry) => Metrics;

function OnTimeSection({ summary, when, metricsOf }: { summary: PanelSummary; when: string; metricsOf: MetricsOf }) {
  const rows = summary.secretariats.map((s) => ({ entry: s, metrics: metricsOf(s) }));
  const shown = rows.filter((r) => r.metrics.onTimeShare !== null).sort((a, b) => b.metrics.onTimeShare! - a.metrics.onTimeShare!);
  const hidden = rows.length - shown.length;
  // A share is hidden when those on time or those late are fewer than 5 (or would let someone work out such a count).
  const rest = hidden === 0 ? '' : hidden === 1 ? ' Em uma secretaria o percentual não aparece, para não expor ninguém: são poucos os pedidos no prazo ou fora dele.' : ` Em ${hidden} secretarias o percentual não aparece, para não expor ninguém: são poucos os pedidos no prazo ou fora dele.`;
  let summaryText: string;
  if (shown.length === 0) summaryText = `${sentence(when)}, nenhum percentual aparece, para não expor ninguém: em cada secretaria são poucos os pedidos encerrados no prazo ou fora dele.`;
  else if (shown.length === 1) summaryText = `${sentence(when)}, ${shortName(shown[0]!.entry.name)} encerrou ${percent(shown[0]!.metrics.onTimeShare)} dos pedidos dentro do prazo.${rest}`;
  else {
    const best = shown[0]!;
    const worst = shown[shown.length - 1]!;
    summaryText = `${sentence(when)}, ${shortName(best.entry.name)} teve a maior proporção de pedidos encerrados dentro do prazo (${percent(best.metrics.onTimeShare)}) e ${shortName(worst.entry.name)} a menor (${percent(worst.metrics.onTimeShare)}).${rest}`;
  }
  const table: TableData = {
    head: ['Secretaria', RECEIVED, CLOSED, 'No prazo'],
    rows: rows.map(({ entry, metrics }) => ({ key: entry.id, cells: [shortName(entry.name), count(metrics.received), count(metrics.closed), share(metrics.onTimeShare)] })),
  };
  const title = `Pedidos encerrados dentro do prazo, por secretaria, ${when}`;
  return (
    <section class="section stack" aria-labelledby="no-prazo">
      <h2 id="no-prazo">Prazos cumpridos</h2>
      <ChartFigure id="grafico-prazo" title={title} summary={summaryText} table={table}>
        <BarChart
          label={`${title}. ${summaryText}`}
          max={1}
          bars={rows.map(({ entry, metrics }) => ({ label: shortName(entry.name), value: metrics.onTimeShare, text: metrics.onTimeShare === null ? 'menos de 5' : percent(metrics.onTimeShare) }))}
        />
      </ChartFigure>
    </section>
  );
}

function MetricsList({ metrics, open, overdue }: { metrics: Metrics; open: number | null; overdue: number | null }) {
  return (
    <dl class="facts panel-facts" data-testid="metrics">
      <div><dt>Pedidos recebidos</dt><dd data-metric="received">{count(metrics.received)}</dd></div>
      <div><dt>Pedidos encerrados</dt><dd data-metric="closed">{count(metrics.closed)}</dd></div>
      <div><dt>Encerrados dentro do prazo</dt><dd data-metric="on-time">{metrics.onTimeShare === null ? HIDDEN_ON_TIME : percent(metrics.onTimeShare)}</dd></div>
      <div><dt>Encerrados como “não atendido”</dt><dd data-metric="declined">{metrics.declinedShare === null ? HIDDEN_DECLINED : percent(metrics.declinedShare)}</dd></div>
      <div><dt>Tempo até encerrar (mediana)</dt><dd data-metric="median">{metrics.medianDays === null ? HIDDEN_TIME : days(metrics.medianDays)}</dd></div>
      <div><dt>Tempo em que 90% foram encerrados</dt><dd data-metric="p90">{metrics.p90Days === null ? HIDDEN_TIME : `até ${days(metrics.p90Days)}`}</dd></div>
      <div><dt>Em aberto hoje</dt><dd data-metric="open">{count(open)}</dd></div>
      <div><dt>Atrasados hoje</dt><dd data-metric="overdue">{count(overdue)}</dd></div>
      <div><dt>Avaliações recebidas</dt><dd data-metric="evaluations">{count(metrics.evaluations)}</dd></div>
      <div><dt>Nota média das avaliações</dt><dd data-metric="grade">{metrics.evaluationAverage === null ? HIDDEN_GRADE : grade(metrics.evaluationAverage)}</dd></div>
    </dl>
  );
}

function CriteriaTable({ id, metrics, name }: { id: string; metrics: Metrics; name: string }) {
  const criteria = Object.entries(metrics.criteria);
  if (criteria.length === 0 || metrics.evaluations === null) return null;
  const table: TableData = {
    head: ['Critério', 'Ponto positivo', 'Ponto negativo'],
    rows: criteria.map(([key, value]) => ({ key, cells: [nameOf(CRITERION_NAMES, key), share(value.good), share(value.bad)] })),
  };
  return <DataTable caption={`${name}: parte das avaliações que marcou cada critério como ponto positivo e como ponto negativo`} captionId={`${id}-criterios`} table={table} />;
}

function SecretariatsSection({ summary, periodKey, when, metricsOf }: { summary: PanelSummary; periodKey: string; when: string; metricsOf: MetricsOf }) {
  const [services, setServices] = useState<ServicesState>({ state: 'idle' });
  const wantServices = () => {
    if (services.state === 'loading' || services.state === 'ready') return;
    setServices({ state: 'loading' });
    loadServices().then(
      (data) => setServices(data ? { state: 'ready', data } : { state: 'failed' }),
      () => setServices({ state: 'failed' }),
    );
  };
  return (
    <section class="section stack" aria-labelledby="por-secretaria">
      <h2 id="por-secretaria">Cada secretaria e seus serviços</h2>
      <p>Toque numa secretaria para ver todos os números dela {when} e os de cada serviço.</p>
      <div>
        {summary.secretariats.map((secretariat) => {
          const metrics = metricsOf(secretariat);
          const id = `secretaria-${secretariat.id}`;
          return (
            <details key={secretariat.id} id={id} class="fold" data-testid="secretariat" onToggle={(event) => { if ((event.currentTarget as HTMLDetailsElement).open) wantServices(); }}>
              <summary>
                <h3>
                  {secretariat.name}
                  <span class="panel-sub">{sentence(countOf(metrics.received, 'pedido recebido', 'pedidos recebidos'))}</span>
                </h3>
              </summary>
              <div class="fold-body stack">
                <MetricsList metrics={metrics} open={secretariat.open} overdue={secretariat.overdue} />
                <CriteriaTable id={id} metrics={metrics} name={shortName(secretariat.name)} />
                <h4>Serviços</h4>
                <ServicesOf secretariatId={secretariat.id} state={services} periodKey={periodKey} onRetry={() => { setServices({ state: 'idle' }); wantServices(); }} />
              </div>
            </details>
          );
        })}
      </div>
    </section>
  );
}

function ServicesOf({ secretariatId, state, periodKey, onRetry }: {
  secretariatId: string;
  state: ServicesState;
  periodKey: string;
  onRetry: () => void;
}) {
  if (state.state === 'idle' || state.state === 'loading') return <p role="status">Carregando os serviços…</p>;
  if (state.state === 'failed') {
    return (
      <div class="stack">
        <p class="notice">Não foi possível carregar os números de cada serviço agora.</p>
        <p><button type="button" class="button button-secondary" onClick={onRetry}>Tentar de novo</button></p>
      </div>
    );
  }
  const list = state.data.services.filter((s) => s.secretariatId === secretariatId);
  if (list.length === 0) return <p>Esta secretaria não tem serviços pedidos pelo aplicativo.</p>;
  return (
    <ul class="card-list">
      {list.map((service: ServiceEntry) => (
        <li key={service.id} class="card stack" data-testid="service-figures">
          <h5 class="panel-service-name"><a href={`/servicos/${service.id}`}>{service.name}</a></h5>
          <p class="muted">Prazo prometido na Carta de Serviços: {service.promise}.</p>
          <MetricsList metrics={service.periods[periodKey] ?? EMPTY} open={service.open} overdue={service.overdue} />
          <CriteriaTable id={`servico-${service.id}`} metrics={service.periods[periodKey] ?? EMPTY} name={service.name} />
        </li>
      ))}
    </ul>
  );
}
