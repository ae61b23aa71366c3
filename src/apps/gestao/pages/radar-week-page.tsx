/**
 * /gestao/radar/semanal — the week's signals, ready to print (no navigation, black on white) or to download
 * as a spreadsheet (GET /api/gestao/radar/semanal.csv).
 */
import { RadarAnswerSchema, THRESHOLD_LABELS, type RadarThresholds } from '../../../shared/contract/radar.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { SignalList } from '../ui/signals.tsx';
import { dateTimeWords, staffDateWords } from '../ui/words.ts';

export default function RadarWeekPage(_props: PageProps) {
  useStaffPageTitle('Radar semanal');
  const { value: answer, failure } = useLoad(() => api(RadarAnswerSchema, '/api/gestao/radar'), []);

  const to = answer ? new Date(answer.computedAt) : null;
  const from = to ? new Date(to.getTime() - 6 * 86_400_000) : null;
  return (
    <div class="page page-wide stack printable">
      <h1>Radar de riscos: resumo da semana</h1>
      {from && to && <p>Semana de {staffDateWords(from.toISOString())} a {staffDateWords(to.toISOString())} · calculado em {dateTimeWords(to.toISOString())}.</p>}
      <div class="button-row no-print">
        <button type="button" class="button button-primary" onClick={() => window.print()}>Imprimir</button>
        <a class="button button-secondary" href="/api/gestao/radar/semanal.csv" download>Baixar planilha (CSV)</a>
        <a class="button button-secondary" href="/gestao/radar">Voltar ao radar</a>
      </div>
      {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
      {!answer && !failure && <p>Carregando…</p>}
      {answer && (
        <>
          <SignalList signals={answer.signals} print />
          <section class="stack" aria-labelledby="limiares">
            <h2 id="limiares">Limiares em vigor</h2>
            <dl class="facts-inline">
              {(Object.keys(THRESHOLD_LABELS) as (keyof RadarThresholds)[]).map((name) => (
                <div key={name}><dt>{THRESHOLD_LABELS[name]}</dt><dd>{answer.thresholds[name].toLocaleString('pt-BR')}</dd></div>
              ))}
            </dl>
          </section>
        </>
      )}
    </div>
  );
}
