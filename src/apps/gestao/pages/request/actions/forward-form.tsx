import { useState } from 'preact/hooks';
import { parseContract } from '../../../../../shared/contract/parse.ts';
import { ForwardSchema, type CharterDirectory } from '../../../../../shared/contract/staff.ts';
import { secretariatName } from '../../../directory.ts';
import { ActionResult, useAction } from '../../../ui/action.tsx';
import { FormError, SelectField, TextArea, focusFirstInvalid, inputValue } from '../../../ui/fields.tsx';
import { postAction, type ActionProps } from './post.ts';

/** The Ouvidoria forwards a manifestação to the secretariat that answers it. */
export function ForwardForm({ request, reload, directory }: ActionProps & { directory: CharterDirectory | null }) {
  const [secretariat, setSecretariat] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(ForwardSchema, { secretariatId: secretariat, ...(note.trim() ? { note } : {}) });
    const found: Record<string, string> = {};
    if (!secretariat) found.secretariatId = 'Escolha a secretaria.';
    if (!parsed.ok && parsed.fields.note) found.note = parsed.fields.note;
    setErrors(found);
    if (!parsed.ok || Object.keys(found).length) {
      focusFirstInvalid(form);
      return;
    }
    const name = secretariatName(directory, secretariat);
    if (await action.run(async () => {
      await postAction(request, 'forward', parsed.value);
      await reload();
      return `Manifestação encaminhada para ${name}. A secretaria responde à Ouvidoria por aqui.`;
    }, form)) {
      setSecretariat('');
      setNote('');
    }
  };
  return (
    <section class="action stack" aria-labelledby="acao-encaminhar">
      <h3 id="acao-encaminhar">{request.forwardedTo ? 'Encaminhar para outra secretaria' : 'Encaminhar à secretaria responsável'}</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ secretariatId: 'Secretaria', note: 'Orientação' }} />
        <SelectField id="encaminhar-secretaria" label="Secretaria responsável" hint="Só depois de encaminhada a secretaria vê a manifestação."
          value={secretariat} error={errors.secretariatId ?? action.failure?.fields?.secretariatId} onChange={(event) => setSecretariat(inputValue(event))}>
          <option value="">Escolha…</option>
          {(directory?.secretariats ?? []).filter((s) => s.id !== request.forwardedTo).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <TextArea id="encaminhar-nota" label="Orientação para a secretaria (opcional)" hint="Interno: o cidadão não vê." maxLength={2000} value={note}
          error={errors.note ?? action.failure?.fields?.note} onInput={(event) => setNote(inputValue(event))} />
        <p><button type="submit" class="button button-primary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Encaminhando…' : 'Encaminhar'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
