/**
 * /acompanhar — following a request by protocol and code (request-follow-up.tsx), and a denúncia by its receipt, from any device: the status, the day the Controladoria
 * first read it, the messages, and a form to send more information and files (an outbox record of the
 * integrity channel, sent alone, exactly once). The receipt lives in this page's memory only: never in the
 * address, the history or the phone's storage, except inside a message waiting to be sent, and with the
 * denúncia sent from this phone until the person says "Já anotei". Only then, offline, the last reading is
 * shown from the phone (it is kept with that receipt and deleted with it).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { FollowUpSchema, INTEGRITY_STATUS_LABELS, MAX_INLINE_BYTES, MAX_INLINE_FILES, type FollowUp } from '../../../shared/contract/integrity.ts';
import { MAX_ATTACHMENT_BYTES, type AttachmentType } from '../../../shared/contract/submissions.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { callApi } from '../../../sync/api.ts';
import { getOutboxDb, type OutboxRecord } from '../../../sync/outbox/db.ts';
import { fileAddress } from '../../../sync/outbox/file-address.ts';
import { enqueueIntegrityMessage, groupReceipt, keptFollowUp, normalizeReceipt, rememberFollowUp } from '../../../sync/outbox/integrity.ts';
import { requestSync } from '../../../sync/drain/sync-engine.ts';
import { shrinkPhoto } from '../forms/photo-shrink.ts';
import { requestBackgroundSync } from '../outbox-ui/request-background-sync.ts';
import { dateWords, dayWords, recordStateWords, sizeWords } from '../outbox-ui/state-words.ts';
import { useKeptReceipts, usePendingMessages } from '../outbox-ui/outbox-hooks.ts';
import { usePageTitle } from '../ui/use-page-title.ts';
import { RequestFollowUpSection } from './request-follow-up.tsx';
import '../forms/forms.css';
import '../outbox-ui/outbox.css';

type Lookup =
  | { name: 'idle' }
  | { name: 'loading' }
  | { name: 'found'; receipt: string; followUp: FollowUp; savedAt?: number }
  | { name: 'problem'; message: string };

const PROBLEMS = {
  notFound: 'Recibo não encontrado. Confira os 16 números e tente de novo.',
  busy: 'Muitas consultas seguidas. Espere um minuto e tente de novo.',
  offline: 'Sem conexão. A consulta precisa de internet: tente de novo quando houver sinal.',
  failed: 'A consulta não foi concluída. Tente de novo em instantes.',
} as const;

async function lookUp(receipt: string): Promise<Lookup> {
  // No cookie and no referrer go with it: a reading is about the receipt, and nothing else.
  const answer = await callApi('/api/integridade/acompanhar', FollowUpSchema, {
    method: 'POST', body: { receipt }, init: { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' },
  });
  if (answer.status === 0) {
    const kept = await keptFollowUp(getOutboxDb(), receipt).catch(() => null);
    return kept ? { name: 'found', receipt, followUp: kept.followUp, savedAt: kept.at } : { name: 'problem', message: PROBLEMS.offline };
  }
  if (answer.status === 404) return { name: 'problem', message: PROBLEMS.notFound };
  if (answer.status === 429) return { name: 'problem', message: PROBLEMS.busy };
  if (!answer.ok) return { name: 'problem', message: PROBLEMS.failed };
  const followUp = answer.value;
  await rememberFollowUp(getOutboxDb(), receipt, followUp, Date.now()).catch(() => false);
  return { name: 'found', receipt, followUp };
}

export default function FollowUpPage(_props: PageProps) {
  usePageTitle('Acompanhar');
  const kept = useKeptReceipts();
  const [typed, setTyped] = useState('');
  const [inputError, setInputError] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ name: 'idle' });
  const resultRef = useRef<HTMLHeadingElement>(null);

  const run = async (receipt: string) => {
    setLookup({ name: 'loading' });
    setLookup(await lookUp(receipt));
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const receipt = normalizeReceipt(typed);
    if (!receipt) {
      setInputError('O recibo tem 16 números (os espaços não importam).');
      return;
    }
    setInputError('');
    void run(receipt);
  };
  useEffect(() => {
    if (lookup.name === 'found' || lookup.name === 'problem') resultRef.current?.focus();
  }, [lookup.name]);

  return (
    <div class="page stack">
      <h1 tabindex={-1}>Acompanhar</h1>
      <RequestFollowUpSection />
      <h2>Denúncia do Canal de Integridade</h2>
      <p>Digite o recibo de 16 números que apareceu quando a sua denúncia chegou ao Canal de Integridade. Funciona em qualquer aparelho, e o número não fica guardado nele.</p>
      {kept && kept.length > 0 && (
        <section class="stack section" aria-labelledby="guardados">
          <h2 id="guardados">Enviadas deste aparelho</h2>
          <ul class="plain-list">
            {kept.map((record) => (
              <li key={record.id}>
                <button type="button" class="button button-secondary" onClick={() => void run(record.integrity!.receipt!)}>
                  Acompanhar a denúncia recebida em {dayWords(record.integrity!.receivedDay ?? '')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form class="stack" noValidate onSubmit={submit} data-testid="follow-up-form">
        <div class="field">
          <label for="recibo">Número do recibo</label>
          <input
            id="recibo"
            name="recibo"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            spellcheck={false}
            maxLength={24}
            value={typed}
            aria-invalid={inputError ? 'true' : undefined}
            aria-describedby={inputError ? 'recibo-ajuda recibo-erro' : 'recibo-ajuda'}
            onInput={(event) => setTyped((event.currentTarget as HTMLInputElement).value)}
          />
          <p class="field-hint" id="recibo-ajuda">Por exemplo: 1234 5678 9012 3456.</p>
          {inputError && <p class="field-error" id="recibo-erro">{inputError}</p>}
        </div>
        <p><button type="submit" class="button button-primary" disabled={lookup.name === 'loading'}>{lookup.name === 'loading' ? 'Consultando…' : 'Acompanhar'}</button></p>
      </form>
      {lookup.name === 'problem' && (
        <div class="notice notice-error" data-testid="follow-up-problem">
          <h2 tabindex={-1} ref={resultRef} class="visually-hidden">Resultado da consulta</h2>
          <p>{lookup.message}</p>
        </div>
      )}
      {lookup.name === 'found' && <FollowUpView lookup={lookup} headingRef={resultRef} onSent={() => void run(lookup.receipt)} />}
    </div>
  );
}

function FollowUpView({ lookup, headingRef, onSent }: {
  lookup: Extract<Lookup, { name: 'found' }>;
  headingRef: { current: HTMLHeadingElement | null };
  onSent: () => void;
}) {
  const { followUp } = lookup;
  return (
    <>
      <section class="stack section" aria-labelledby="situacao" data-testid="follow-up">
        <h2 id="situacao" tabindex={-1} ref={headingRef}>Situação da denúncia</h2>
        {lookup.savedAt !== undefined && (
          <p class="notice" data-testid="follow-up-saved">Sem conexão: esta é a última consulta feita neste aparelho, em {dateWords(lookup.savedAt)}.</p>
        )}
        <p data-testid="integrity-status"><strong>{INTEGRITY_STATUS_LABELS[followUp.status]}</strong></p>
        <p>Recebida em {dayWords(followUp.receivedDay)}.</p>
        <p data-testid="read-day">{followUp.readDay ? `Lida pela Controladoria em ${dayWords(followUp.readDay)}.` : 'Ainda não foi lida pela Controladoria.'}</p>
      </section>
      <section class="stack section" aria-labelledby="mensagens">
        <h2 id="mensagens">Mensagens</h2>
        {followUp.messages.length === 0 ? <p>Nenhuma mensagem ainda.</p> : (
          <ol class="message-list">
            {followUp.messages.map((message, i) => (
              <li key={i} data-testid="integrity-message" data-from={message.from}>
                <p><strong>{message.from === 'controladoria' ? 'Controladoria' : 'Você'}</strong>, {dayWords(message.day)}</p>
                {message.text && <p>{message.text}</p>}
                {message.files > 0 && <p class="muted">{message.files === 1 ? '1 arquivo anexado' : `${message.files} arquivos anexados`}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <SendMore receipt={lookup.receipt} onSent={onSent} />
    </>
  );
}

interface Picked {
  key: string;
  name: string;
  blob: Blob;
  type: AttachmentType;
}

const PDF: AttachmentType = 'application/pdf';

/** The files already picked plus the new ones, checked against the channel's limits (an Error in words for the person). */
async function withPicked(files: readonly Picked[], chosen: readonly File[]): Promise<Picked[]> {
  const next = [...files];
  for (const file of chosen) {
    if (next.length >= MAX_INLINE_FILES) throw new Error(`No máximo ${MAX_INLINE_FILES} arquivos por mensagem.`);
    if (file.type === PDF) {
      if (file.size > MAX_ATTACHMENT_BYTES) throw new Error('Este PDF é grande demais: no máximo 5 MB.');
      next.push({ key: crypto.randomUUID(), name: file.name, blob: file, type: PDF });
    } else if (file.type.startsWith('image/')) {
      // Re-encoded by a canvas: no EXIF, no GPS, and small enough for a weak signal.
      next.push({ key: crypto.randomUUID(), name: file.name, blob: await shrinkPhoto(file), type: 'image/jpeg' });
    } else {
      throw new Error('Envie fotos ou documentos em PDF.');
    }
  }
  if (next.reduce((sum, f) => sum + f.blob.size, 0) > MAX_INLINE_BYTES) throw new Error('Os arquivos passam de 8 MB ao todo: envie em mais de uma mensagem.');
  return next;
}

function PendingMessages({ pending }: { pending: readonly OutboxRecord[] }) {
  return (
    <ul class="plain-list" data-testid="pending-messages">
      {pending.map((message) => (
        <li key={message.id}>Sua mensagem de {dateWords(message.createdAt)}: {recordStateWords(message).toLowerCase()}{message.lastError && message.state !== 'retry' ? ` — ${message.lastError}` : ''}</li>
      ))}
    </ul>
  );
}

function PickedList({ files, onRemove }: { files: readonly Picked[]; onRemove: (key: string) => void }) {
  return (
    <ul class="plain-list">
      {files.map((file, i) => (
        <li key={file.key}>
          {file.type === PDF ? 'Documento' : 'Foto'} {i + 1} ({sizeWords(file.blob.size)}){' '}
          <button type="button" class="button button-secondary" onClick={() => onRemove(file.key)}>Remover {file.type === PDF ? 'documento' : 'foto'} {i + 1}</button>
        </li>
      ))}
    </ul>
  );
}

interface AttachFilesProps {
  files: readonly Picked[];
  onPick: (event: Event) => void;
  onRemove: (key: string) => void;
}

function AttachFiles({ files, onPick, onRemove }: AttachFilesProps) {
  return (
    <fieldset class="field">
      <legend>Fotos ou documentos (se tiver)</legend>
      {files.length > 0 && <PickedList files={files} onRemove={onRemove} />}
      <input id="mensagem-arquivos" class="visually-hidden photo-input" type="file" accept="image/*,application/pdf" multiple onChange={onPick} />
      <label for="mensagem-arquivos" class="button button-secondary">{files.length ? 'Anexar outro arquivo' : 'Anexar foto ou documento'}</label>
      <p class="field-hint">As fotos são refeitas no celular, sem a localização; dos PDFs tiramos autor e programa. O que aparece neles, porém, pode identificar você.</p>
    </fieldset>
  );
}

/** A message of ours left the phone: `onSent` reads the messages again, so it shows among them. */
function useWhenOneLeaves(pending: readonly OutboxRecord[] | undefined, onSent: () => void): void {
  const waitingBefore = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (pending === undefined) return;
    if (waitingBefore.current !== undefined && pending.length < waitingBefore.current) onSent();
    waitingBefore.current = pending.length;
  }, [pending?.length]);
}

async function putMessageInOutbox(receipt: string, text: string, files: readonly Picked[]): Promise<void> {
  const db = getOutboxDb();
  const outboxFiles = [];
  for (const file of files) outboxFiles.push({ sha256: await fileAddress(db, file.blob), blob: file.blob, type: file.type });
  await enqueueIntegrityMessage(db, { id: crypto.randomUUID(), receipt, text, files: outboxFiles });
}

/** "Enviar mais informações": text and files, kept in the outbox and sent alone when there is signal. */
function SendMore({ receipt, onSent }: { receipt: string; onSent: () => void }) {
  const pending = usePendingMessages(receipt);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Picked[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  useWhenOneLeaves(pending, onSent);

  const pick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    setError('');
    setBusy(true);
    try {
      setFiles(await withPicked(files, chosen));
    } catch (problem) {
      setError(problem instanceof Error ? problem.message : 'Não foi possível usar este arquivo.');
    } finally {
      setBusy(false);
    }
  };

  const send = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!text.trim() && files.length === 0) {
      setError('Escreva algo ou anexe um arquivo.');
      return;
    }
    setError('');
    setBusy(true);
    try {
      await putMessageInOutbox(receipt, text, files);
    } catch (problem) {
      setError(problem instanceof Error && problem.name === 'StorageFullError' ? problem.message : 'Não foi possível guardar a mensagem neste aparelho. Tente de novo.');
      setBusy(false);
      return;
    }
    setText('');
    setFiles([]);
    setBusy(false);
    setNote('Mensagem guardada. Ela segue sozinha, em alguns segundos quando houver conexão.');
    void requestBackgroundSync();
    void requestSync('enqueue');
  };

  return (
    <section class="stack section" aria-labelledby="mais-informacoes">
      <h2 id="mais-informacoes">Enviar mais informações</h2>
      <p>Responda a uma pergunta ou acrescente o que souber. Para continuar anônimo, não escreva o seu nome.</p>
      {pending && pending.length > 0 && <PendingMessages pending={pending} />}
      <form class="stack" noValidate onSubmit={(event) => void send(event)} data-testid="send-more">
        <div class="field">
          <label for="mensagem">Sua mensagem</label>
          <textarea
            id="mensagem"
            rows={5}
            maxLength={3000}
            value={text}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'mensagem-erro' : undefined}
            onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
          />
        </div>
        <AttachFiles files={files} onPick={(event) => void pick(event)} onRemove={(key) => setFiles(files.filter((f) => f.key !== key))} />
        {error && <p class="field-error" id="mensagem-erro" role="alert">{error}</p>}
        <p><button type="submit" class="button button-primary" disabled={busy}>{busy ? 'Guardando…' : 'Enviar mensagem'}</button></p>
        <p role="status" class="field-hint">{note}</p>
      </form>
      <p class="field-hint">Recibo: {groupReceipt(receipt)}</p>
    </section>
  );
}
