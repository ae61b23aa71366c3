import { useState } from 'preact/hooks';
import { parseContract } from '../../../../../shared/contract/parse.ts';
import { TransferSchema, type CharterDirectory } from '../../../../../shared/contract/staff.ts';
import { secretariatName } from '../../../directory.ts';
import { ActionResult, useAction } from '../../../ui/action.tsx';
import { announce } from '../../../ui/announce.ts';
import { FormError, SelectField, TextArea, focusFirstInvalid, inputValue } from '../../../ui/fields.tsx';
import { postAction, type ActionProps } from './post.ts';

/** Sends the request to another secretariat, with an internal reason. */
export function TransferForm({ request, reload, directory, onAway }: ActionProps & { directory: CharterDirectory | null; onAway: (name: string) => void }) {
  const [secretariat, setSecretariat] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const others = (directory?.secretariats ?? []).filter((s) => s.id !== request.secretariatId);
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(TransferSchema, { secretariatId: secretariat, reason });
    const found: Record<string, string> = {};
    if (!secretariat) found.secretariatId = 'Escolha a secretaria.';
    if (!parsed.ok && parsed.fields.reason) found.reason = parsed.fields.reason;
    setErrors(found);
    if (!parsed.ok || Object.keys(found).length) {
      focusFirstInvalid(event.currentTarget);
      return;
    }
    const name = secretariatName(directory, secretariat);
    await action.run(async () => {
      await postAction(request, 'transfer', parsed.value);
      // A transfer out of the person's secretariats takes the request out of their reach: the page says so.
      onAway(name);
      if (!(await reload())) announce(`Pedido transferido para ${name}. Ele saiu da sua lista.`);
      return `Pedido transferido para ${name}.`;
    });
  };
  return (
    <section class="action stack" aria-labelledby="acao-transferir">
      <h3 id="acao-transferir">Transferir para outra secretaria</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ secretariatId: 'Secretaria', reason: 'Motivo' }} />
        <SelectField id="nova-secretaria" label="Secretaria" value={secretariat} error={errors.secretariatId} onChange={(event) => setSecretariat(inputValue(event))}>
          <option value="">Escolha…</option>
          {others.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <TextArea id="motivo-transferencia" label="Motivo da transferência" hint="Interno: o cidadão não vê." maxLength={1000} value={reason} error={errors.reason}
          onInput={(event) => setReason(inputValue(event))} />
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Transferindo…' : 'Transferir'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
