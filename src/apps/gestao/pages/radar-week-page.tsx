/**
 * /gestao/radar/semanal — the week's signals, ready to print (no navigation, black on white) or to download
 * as a spreadsheet (GET /api/gestao/radar/semanal.csv).
 */
import { useEffect, useState } from 'preact/hooks';
import { RadarAnswerSchema, THRESHOLD_LABELS, type RadarAnswer, type RadarThresholds } from '../../../shared/contract/radar.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api, failureWords } from '../api.ts';
import { usePageTitle } from '../ui/page-title.ts';
import { SignalList } from '../ui/signals.tsx';
import { dateTimeWords, dateWords } from '../ui/words.ts';

export default function RadarWeekPage(_props: PageProps) {
  usePageTitle('Radar semanal');
  const [answer, setAnswer] = useState<RadarAnswer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api(RadarAnswerSchema, '/api/gestao/radar').then(
      (value) => !cancelled && setAnswer(value),
      (error) => !cancelled && setFailure(failureWords(error)),
    );
    return () => { cancelled = true; };
  }, []);

  const to = answer ? new Date(answer.computedAt) : null;
  const from = to ? new Date(to.getTime() - 6 * 86_400_000) : null;
  return (
    <div class="page page-wide stack printable">
      <h1>Radar de riscos: resumo da semana</h1>
      {from && to && <p>Semana de {dateWords(from.toISOString())} a {dateWords(to.toISOString())} · calculado em {dateTimeWords(to.toISOString())}.</p>}
      <div class="button-row no-print">
        <button type="button" class="button button-primary" onClick={() => window.print()}>Imprimir</button>
        <a class="button button-secondary" href="/api/gestao/radar/semanal.csv" download>Baixar planilha (CSV)</a>
        <a class="button button-secondary" href="/gestao/radar">Voltar ao radar</a>
      </div>
      {failure && <p class="notice notice-error" role="alert">{failure}</p>}
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
