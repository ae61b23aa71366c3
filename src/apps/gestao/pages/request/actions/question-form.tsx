import { QuestionSchema } from '../../../../../shared/contract/staff.ts';
import { TextActionForm } from '../../../ui/text-action-form.tsx';
import { postAction, type ActionProps } from './post.ts';

/** Asks the citizen: the request waits for the answer, and its deadline stops counting. */
export function QuestionForm({ request, reload }: ActionProps) {
  return (
    <TextActionForm headingId="acao-pergunta" title="Perguntar ao cidadão" schema={QuestionSchema} field="question" fieldLabel="Pergunta"
      missing="Escreva a pergunta."
      box={{ id: 'pergunta', label: 'Pergunta', maxLength: 2000,
        hint: 'O cidadão lê e responde no aplicativo. Enquanto isso o pedido fica “Aguardando o cidadão” e o prazo para de contar.' }}
      button={{ text: 'Perguntar ao cidadão', busyText: 'Enviando…', primary: true }}
      send={async (body) => {
        await postAction(request, 'question', body);
        await reload();
        return 'Pergunta enviada. O pedido aguarda a resposta do cidadão, e o prazo fica parado até ela chegar.';
      }} />
  );
}
