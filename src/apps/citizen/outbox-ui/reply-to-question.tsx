/**
 * "A Prefeitura perguntou…": the city's question and the person's answer, written here, kept in the outbox
 * and sent when there is signal (exactly once, like any request).
 */
import { useRef, useState } from 'preact/hooks';
import { getOutboxDb, type OutboxRecord } from '../../../sync/outbox/db.ts';
import { enqueueReply } from '../../../sync/outbox/reply.ts';
import { requestSync } from '../../../sync/drain/sync-engine.ts';
import { dateWords } from './state-words.ts';
import { useReplies } from './outbox-hooks.ts';

export function ReplyToQuestion({ record }: { record: OutboxRecord }) {
  const db = getOutboxDb();
  const replies = useReplies(record.id) ?? [];
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  // A second tap while the first is being saved would queue the answer twice, under two ids.
  const saving = useRef(false);
  const history = record.statusHistory ?? [];
  const questionIndex = history.map((event) => event.status).lastIndexOf('waiting_citizen');
  const question = questionIndex >= 0 ? history[questionIndex] : undefined;
  const waiting = record.receipt?.status === 'waiting_citizen';
  // Answered already: a reply written after the question was asked.
  const answered = question && replies.some((reply) => Date.parse(reply.createdAt) >= Date.parse(question.at));
  if (!question && replies.length === 0) return null;

  const send = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) {
      setError('Escreva a sua resposta.');
      return;
    }
    if (saving.current) return;
    saving.current = true;
    setError('');
    try {
      await enqueueReply(db, { id: crypto.randomUUID(), request: record, text });
      setText('');
    } finally {
      saving.current = false;
    }
    void requestSync('enqueue');
  };

  return (
    <section class="stack section" aria-labelledby="pergunta">
      <h2 id="pergunta">Pergunta da Prefeitura</h2>
      {question?.note && <p class="record-note" data-testid="question">{question.note}</p>}
      {replies.map((reply) => (
        <p key={reply.id} class="muted" data-testid="reply" data-state={reply.state}>
          Sua resposta ({dateWords(reply.createdAt)}): {reply.state === 'sent' ? 'enviada' : reply.state === 'rejected' || reply.state === 'conflict' ? `não foi aceita pela Prefeitura${reply.lastError ? ` (${reply.lastError})` : ''}` : 'guardada, será enviada quando houver sinal'}
        </p>
      ))}
      {waiting && !answered && (
        <form class="stack" onSubmit={(event) => void send(event)} noValidate>
          <label for="resposta">Sua resposta</label>
          <textarea id="resposta" rows={4} maxLength={2000} value={text} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'resposta-erro' : undefined}
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)} />
          {error && <p id="resposta-erro" class="field-error" role="alert">{error}</p>}
          <p><button type="submit" class="button button-primary">Enviar resposta</button></p>
        </form>
      )}
    </section>
  );
}
