/**
 * /gestao/plano — the Integrity Plan's actions, as everyone reads them in the app (GET /api/integridade/conteudo),
 * each with a form for the controladoria to update its status and progress (POST /api/gestao/plano/:action).
 */
import { useState } from 'preact/hooks';
import { PLAN_STATUSES, PLAN_STATUS_LABELS, PlanUpdateSchema, ServedIntegrityContentSchema, type ServedIntegrityContent } from '../../../shared/contract/integrity-content.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { OkSchema } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { ActionResult, useAction } from '../ui/action.tsx';
import { FormError, SelectField, TextArea, TextField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { dateTimeWords, staffDateWords } from '../ui/words.ts';

type PlanAction = ServedIntegrityContent['plan']['actions'][number];

export default function PlanPage(_props: PageProps) {
  useStaffPageTitle('Plano de Integridade');
  const load = useLoad(() => api(ServedIntegrityContentSchema, '/api/integridade/conteudo'), []);

  if (load.failure) {
    return (
      <div class="page stack">
        <h1>Plano de Integridade</h1>
        <p class="notice notice-error">{load.failure.message}</p>
        <p><button type="button" class="button button-secondary" onClick={() => void load.reload()}>Tentar de novo</button></p>
      </div>
    );
  }
  if (!load.value) return <div class="page stack"><h1>Plano de Integridade</h1><p>Carregando…</p></div>;
  const { plan } = load.value;
  return (
    <div class="page stack">
      <h1>{plan.title}</h1>
      <p class="lead">{plan.period}. {plan.description}</p>
      <p>O que você guarda aqui aparece para todos no aplicativo, em “Plano de Integridade”.</p>
      <ol class="plain-list stack" data-testid="plan-actions">
        {plan.actions.map((action) => <ActionItem key={action.id} action={action} reload={load.reload} />)}
      </ol>
    </div>
  );
}

function ActionItem({ action: item, reload }: { action: PlanAction; reload: () => Promise<boolean> }) {
  const [status, setStatus] = useState<string>(item.status);
  const [progress, setProgress] = useState(String(item.progress));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const prefix = `plano-${item.id}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const found: Record<string, string> = {};
    const number = /^\d{1,3}$/.test(progress.trim()) ? Number(progress.trim()) : NaN;
    if (Number.isNaN(number) || number > 100) found.progress = 'Use um número inteiro de 0 a 100.';
    const parsed = parseContract(PlanUpdateSchema, { status, progress: number, ...(note.trim() ? { note } : {}) });
    if (!parsed.ok) {
      if (parsed.fields.status) found.status = 'Escolha a situação.';
      if (parsed.fields.note) found.note = parsed.fields.note;
      if (parsed.fields['(raiz)'] && !found.progress) found.progress = 'Uma ação concluída tem 100% de avanço.';
    }
    setErrors(found);
    if (!parsed.ok || Object.keys(found).length) {
      focusFirstInvalid(form);
      return;
    }
    await action.run(async () => {
      await api(OkSchema, `/api/gestao/plano/${encodeURIComponent(item.id)}`, { method: 'POST', body: parsed.value });
      await reload();
      return `Ação “${item.title}” atualizada: ${PLAN_STATUS_LABELS[parsed.value.status]}, ${parsed.value.progress}%.`;
    }, form);
  };
  const server = action.failure?.fields;
  return (
    <li class="card stack" data-testid="plan-action" data-id={item.id}>
      <h2 id={`${prefix}-titulo`}>{item.title}</h2>
      <p>{item.description}</p>
      <dl class="facts facts-inline">
        <div><dt>Responsável</dt><dd>{item.responsible}</dd></div>
        <div><dt>Prazo</dt><dd>{staffDateWords(`${item.deadline}T12:00:00Z`)}</dd></div>
        <div><dt>Situação</dt><dd data-testid="plan-status">{PLAN_STATUS_LABELS[item.status]}, {item.progress}%</dd></div>
        <div><dt>Última atualização</dt><dd>{item.updatedAt ? dateTimeWords(item.updatedAt) : 'ainda não atualizada'}</dd></div>
      </dl>
      {item.note && <p><strong>Nota publicada:</strong> {item.note}</p>}
      <progress max={100} value={item.progress} aria-labelledby={`${prefix}-titulo`}>{item.progress}%</progress>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate aria-label={`Atualizar “${item.title}”`}>
        <FormError message={action.failure?.message} fields={server} labels={{ status: 'Situação', progress: 'Avanço', note: 'Nota' }} />
        <SelectField id={`${prefix}-situacao`} label="Situação" value={status} error={errors.status ?? server?.status} onChange={(event) => setStatus(inputValue(event))}>
          {PLAN_STATUSES.map((s) => <option key={s} value={s}>{PLAN_STATUS_LABELS[s]}</option>)}
        </SelectField>
        <TextField id={`${prefix}-avanco`} label="Avanço (de 0 a 100%)" inputMode="numeric" value={progress} error={errors.progress ?? server?.progress}
          onInput={(event) => setProgress(inputValue(event))} />
        <TextArea id={`${prefix}-nota`} label="Nota para o público (opcional)" hint="Aparece no aplicativo ao lado da ação." maxLength={500} value={note}
          error={errors.note ?? server?.note} onInput={(event) => setNote(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Guardando…' : 'Guardar a ação'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </li>
  );
}
