import { ExtensionSchema } from '../../../../../shared/contract/staff.ts';
import { ActionResult, useAction } from '../../../ui/action.tsx';
import { TextActionForm } from '../../../ui/text-action-form.tsx';
import { staffDateWords } from '../../../ui/words.ts';
import { postAction, type ActionProps } from './post.ts';

/** The Ouvidoria extends a manifestação's deadline once; afterwards the section says the law allows no other. */
export function ExtendForm({ request, reload }: ActionProps) {
  // Kept here, not in the form: what happened is still said once the extended request replaces the form.
  const action = useAction();
  if (request.extended) {
    return (
      <section class="action stack" aria-labelledby="acao-prorrogar">
        <h3 id="acao-prorrogar">Prazo prorrogado</h3>
        <p>O prazo já foi prorrogado uma vez por 30 dias; a lei não permite outra prorrogação.</p>
        <ActionResult text={action.done} />
      </section>
    );
  }
  return (
    <TextActionForm headingId="acao-prorrogar" title="Prorrogar o prazo por 30 dias" action={action}
      intro={<p>A lei permite prorrogar uma só vez{request.dueAt ? `; o prazo passa de ${staffDateWords(request.dueAt)} para 30 dias depois` : ''}.</p>}
      schema={ExtensionSchema} field="justification" fieldLabel="Justificativa" missing="Explique a prorrogação."
      box={{ id: 'justificativa-prorrogacao', label: 'Justificativa (o cidadão vai ler)', maxLength: 1000,
        hint: 'Pelo menos 20 caracteres. Explique de forma simples por que precisa de mais tempo.' }}
      button={{ text: 'Prorrogar o prazo', busyText: 'Prorrogando…' }}
      send={async (body) => {
        await postAction(request, 'extend', body);
        await reload();
        return 'Prazo prorrogado por mais 30 dias. O cidadão lê a justificativa no aplicativo.';
      }} />
  );
}
