import { InternalAnswerSchema } from '../../../../../shared/contract/staff.ts';
import { TextActionForm } from '../../../ui/text-action-form.tsx';
import { postAction, type ActionProps } from './post.ts';

/** The secretariat's answer to the Ouvidoria about a forwarded manifestação. */
export function InternalAnswerForm({ request, reload }: ActionProps) {
  return (
    <TextActionForm headingId="acao-resposta-interna" title="Responder à Ouvidoria" schema={InternalAnswerSchema} field="text" fieldLabel="Resposta"
      missing="Escreva a resposta."
      box={{ id: 'resposta-interna', label: 'Resposta da secretaria à Ouvidoria', maxLength: 4000,
        hint: 'Interno: o cidadão não vê. Diga o que foi apurado ou feito; a Ouvidoria responde ao cidadão.' }}
      button={{ text: 'Enviar resposta à Ouvidoria', busyText: 'Enviando…', primary: true }}
      send={async (body) => {
        await postAction(request, 'internal-answer', body);
        await reload();
        return 'Resposta enviada à Ouvidoria. Ela dará a resposta final ao cidadão.';
      }} />
  );
}
