import { NoteSchema } from '../../../../../shared/contract/staff.ts';
import { TextActionForm } from '../../../ui/text-action-form.tsx';
import { postAction, type ActionProps } from './post.ts';

/** A note for the team, kept in the story; the citizen never reads it. */
export function NoteForm({ request, reload }: ActionProps) {
  return (
    <TextActionForm headingId="acao-nota" title="Nota interna" schema={NoteSchema} field="text" fieldLabel="Nota" missing="Escreva a nota."
      box={{ id: 'nota-interna', label: 'Nota para a equipe', hint: 'Interno: o cidadão não vê.', maxLength: 4000 }}
      button={{ text: 'Guardar nota interna', busyText: 'Guardando…' }}
      send={async (body) => {
        await postAction(request, 'notes', body);
        await reload();
        return 'Nota interna guardada no histórico.';
      }} />
  );
}
