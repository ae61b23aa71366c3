import { useState } from 'preact/hooks';
import { SUBMISSION_STATUSES } from '../../../../../shared/contract/status.ts';
import { parseContract } from '../../../../../shared/contract/parse.ts';
import { StatusChangeSchema } from '../../../../../shared/contract/staff.ts';
import { ActionResult, useAction } from '../../../ui/action.tsx';
import { FormError, SelectField, TextArea, focusFirstInvalid, inputValue } from '../../../ui/fields.tsx';
import { STATUS_WORDS } from '../../../ui/words.ts';
import { postAction, type ActionProps } from './post.ts';

/** Waiting for the citizen is reached by asking a question, never chosen in the list. */
const CHOOSABLE = SUBMISSION_STATUSES.filter((status) => status !== 'waiting_citizen' && status !== 'received');

/** The new status and, when it says something to the citizen, its message (a template may fill it). */
export function StatusForm({ request, reload }: ActionProps) {
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ status?: string; note?: string }>({});
  const action = useAction();
  const declined = status === 'declined';

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!status) found.status = 'Escolha a nova situação.';
    const body = { status, ...(note.trim() ? { note } : {}) };
    const parsed = parseContract(StatusChangeSchema, body);
    if (!parsed.ok) {
      if (parsed.fields.note) found.note = parsed.fields.note;
      if (parsed.fields['(raiz)']) found.note = 'Diga o motivo de “Não atendido”: o cidadão vai ler.';
    }
    setErrors(found);
    if (found.status || found.note || !parsed.ok) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    const ok = await action.run(async () => {
      await postAction(request, 'status', parsed.value);
      await reload();
      return `Situação mudada para “${STATUS_WORDS[parsed.value.status]}”.${parsed.value.note ? ' O cidadão verá a mensagem no aplicativo.' : ''}`;
    });
    if (ok) {
      setStatus('');
      setNote('');
    }
  };

  return (
    <section class="action stack" aria-labelledby="acao-situacao">
      <h3 id="acao-situacao">Mudar a situação</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ status: 'Situação', note: 'Mensagem' }} />
        <SelectField id="nova-situacao" label="Nova situação" value={status} error={errors.status} onChange={(event) => setStatus(inputValue(event))}>
          <option value="">Escolha…</option>
          {CHOOSABLE.map((s) => <option key={s} value={s}>{STATUS_WORDS[s]}</option>)}
        </SelectField>
        {request.templates.length > 0 && (
          <SelectField id="modelo" label="Usar um modelo de resposta" hint="O texto do modelo vai para a mensagem; você pode mudá-lo antes de enviar." value=""
            onChange={(event) => {
              const chosen = request.templates.find((t) => t.id === inputValue(event));
              if (chosen) setNote(chosen.text);
            }}>
            <option value="">Escolha um modelo…</option>
            {request.templates.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
          </SelectField>
        )}
        <TextArea id="mensagem-cidadao" label={declined ? 'Mensagem ao cidadão (obrigatória: o motivo)' : 'Mensagem ao cidadão (opcional)'}
          hint="O cidadão lê esta mensagem no aplicativo. Escreva de forma simples." maxLength={2000} value={note} error={errors.note}
          onInput={(event) => setNote(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Enviando…' : 'Mudar a situação'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
