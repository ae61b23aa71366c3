/**
 * /gestao/radar — the controladoria's risk radar: the signals lit now, each with its figures, threshold and
 * links to the records behind it, and the thresholds the controladoria may change (every change audited).
 */
import { useState } from 'preact/hooks';
import { RadarAnswerSchema, THRESHOLD_LABELS, type RadarAnswer, type RadarThresholds } from '../../../shared/contract/radar.ts';
import { OkSchema } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { ApiFailure, api, failureWords } from '../api.ts';
import { useSession } from '../session.ts';
import { announce } from '../ui/announce.ts';
import { FormError, TextField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { SignalList } from '../ui/signals.tsx';
import { dateTimeWords } from '../ui/words.ts';

export default function RadarPage(_props: PageProps) {
  useStaffPageTitle('Radar de riscos');
  const session = useSession();
  const { value: answer, failure, reload } = useLoad(() => api(RadarAnswerSchema, '/api/gestao/radar'), []);

  const mayConfigure = session.status === 'signed_in' && session.permissions.includes('radar.configure');
  return (
    <div class="page page-wide stack">
      <h1>Radar de riscos</h1>
      <p>Sinais calculados a partir dos pedidos, avaliações, manifestações e relatos: só números e ligações para os registros, nunca o que o cidadão escreveu.</p>
      <div class="button-row no-print">
        <a class="button button-secondary" href="/gestao/radar/semanal">Resumo da semana para imprimir</a>
        <a class="button button-secondary" href="/gestao/relatorio">Relatório anual</a>
      </div>
      {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
      {!answer && !failure && <p>Carregando…</p>}
      {answer && (
        <>
          <p class="muted">Calculado em {dateTimeWords(answer.computedAt)}.</p>
          <SignalList signals={answer.signals} />
          {mayConfigure && <ThresholdsForm key={answer.thresholdsUpdatedAt ?? 'padrao'} answer={answer} onSaved={() => void reload()} />}
        </>
      )}
    </div>
  );
}

type Draft = Record<keyof RadarThresholds, string>;

function ThresholdsForm({ answer, onSaved }: { answer: RadarAnswer; onSaved: () => void }) {
  const names = Object.keys(THRESHOLD_LABELS) as (keyof RadarThresholds)[];
  const [draft, setDraft] = useState<Draft>(() => Object.fromEntries(names.map((name) => [name, String(answer.thresholds[name]).replace('.', ',')])) as Draft);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const values: Record<string, number> = {};
    const fields: Record<string, string> = {};
    for (const name of names) {
      const text = draft[name].trim().replace(',', '.');
      const value = Number(text);
      if (!text || !Number.isFinite(value)) fields[name] = 'Informe um número.';
      else values[name] = value;
    }
    if (Object.keys(fields).length) {
      setError({ message: 'Confira os limiares.', fields });
      focusFirstInvalid(form);
      return;
    }
    setBusy(true);
    try {
      await api(OkSchema, '/api/gestao/radar/limiares', { method: 'PUT', body: values });
      setError(null);
      announce('Limiares salvos. O radar foi recalculado.');
      onSaved();
    } catch (failure) {
      setError({ message: failureWords(failure), fields: failure instanceof ApiFailure ? failure.fields : {} });
      focusFirstInvalid(form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="fold no-print">
      <summary><h2>Limiares do radar</h2></summary>
      <form class="stack fold-body" onSubmit={submit} noValidate>
        <p>Cada mudança fica no registro de auditoria, com o valor antigo e o novo.{answer.thresholdsUpdatedAt ? ` Última mudança em ${dateTimeWords(answer.thresholdsUpdatedAt)}.` : ''}</p>
        <FormError message={error?.message} fields={error?.fields ?? {}} labels={THRESHOLD_LABELS} />
        <div class="filter-grid">
          {names.map((name) => (
            <TextField key={name} id={`limiar-${name}`} label={THRESHOLD_LABELS[name]} inputMode="decimal" value={draft[name]}
              error={error?.fields[name]} onInput={(event) => setDraft((current) => ({ ...current, [name]: inputValue(event) }))} />
          ))}
        </div>
        <div class="button-row">
          <button type="submit" class="button button-primary" aria-disabled={busy ? 'true' : undefined}>{busy ? 'Salvando…' : 'Salvar limiares'}</button>
        </div>
      </form>
    </details>
  );
}
