import { useState } from 'preact/hooks';
import { parseContract } from '../../../../../shared/contract/parse.ts';
import { AssignSchema, ColleaguesSchema } from '../../../../../shared/contract/staff.ts';
import { api } from '../../../api.ts';
import { ActionResult, useAction } from '../../../ui/action.tsx';
import { FormError, SelectField, inputValue } from '../../../ui/fields.tsx';
import { useLoad } from '../../../ui/use-load.ts';
import { postAction, type ActionProps } from './post.ts';

/** Gives the request to a colleague of its secretariat, or to no one. */
export function AssignForm({ request, reload }: ActionProps) {
  const colleagues = useLoad(async () => (await api(ColleaguesSchema, '/api/gestao/colleagues')).colleagues, []);
  const [chosen, setChosen] = useState(request.assignedTo?.id ?? '');
  const action = useAction();
  const eligible = (colleagues.value ?? []).filter((c) => c.secretariats.includes(request.secretariatId));
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseContract(AssignSchema, { accountId: chosen || null });
    if (!parsed.ok) return;
    const name = eligible.find((c) => c.id === chosen)?.name;
    await action.run(async () => {
      await postAction(request, 'assign', parsed.value);
      await reload();
      return name ? `Pedido atribuído a ${name}.` : 'O pedido ficou sem responsável.';
    });
  };
  return (
    <section class="action stack" aria-labelledby="acao-atribuir">
      <h3 id="acao-atribuir">Atribuir a um colega</h3>
      {colleagues.failure && <p class="notice notice-error">{colleagues.failure.message}</p>}
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} />
        <SelectField id="responsavel" label="Responsável" value={chosen} onChange={(event) => setChosen(inputValue(event))}>
          <option value="">Ninguém</option>
          {eligible.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </SelectField>
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Atribuindo…' : 'Atribuir'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
