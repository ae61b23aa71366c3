/**
 * Filling a form of the charter: resumes or starts a draft (or the correction of a rejected record),
 * saves every change at once, validates with the shared rules and puts the submission in the outbox.
 */
import type { RefObject } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { District, Service } from '../../../shared/contract/charter.ts';
import type { FormDefinition } from '../../../shared/contract/forms.ts';
import { IDENTITY_FIELDS, type IdentificationMode } from '../../../shared/contract/integrity.ts';
import { visibleAnswers } from '../../../shared/validate-answers.ts';
import { bahiaDay } from '../../../shared/dates.ts';
import { navigate } from '../../common/navigation.tsx';
import { getOutboxDb, type Draft } from '../../../sync/outbox/db.ts';
import { enqueueSubmission } from '../../../sync/outbox/enqueue.ts';
import { enqueueIntegrityReport } from '../../../sync/outbox/integrity.ts';
import { requestBackgroundSync } from '../outbox-ui/request-background-sync.ts';
import { requestSync } from '../../../sync/drain/sync-engine.ts';
import { dateWords } from '../outbox-ui/state-words.ts';
import { attachmentsFor, createFormState, type FormState } from './form-state.ts';
import { fieldDomId, type FieldEnvironment } from './field-parts.tsx';
import { FieldRow } from './fields.tsx';
import { newSession, resolvePhase, sessionFromDraft, type Phase, type PhotoFile, type Session } from './form-session.ts';
import { useDraft } from './use-draft.ts';
import { IdentificationChoice, IDENTIFY_FIELD } from './identification-choice.tsx';
import './forms.css';

export interface FormScreenProps {
  service: Service;
  form: FormDefinition;
  districts: readonly District[];
  query: URLSearchParams;
}

export function FormScreen({ service, form, districts, query }: FormScreenProps) {
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const queryKey = query.toString();
  useEffect(() => {
    let live = true;
    resolvePhase(service, form, districts, query).then((next) => live && setPhase(next), () => live && setPhase({ name: 'failed' }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [service.id, form.id, queryKey, attempt]);

  if (phase.name === 'loading') return <p role="status">Abrindo o formulário…</p>;
  if (phase.name === 'gone') return <div class="notice notice-error"><p>{phase.message}</p><p><a href="/minhas-solicitacoes">Ir para Minhas solicitações</a></p></div>;
  if (phase.name === 'failed') {
    return (
      <div class="notice notice-error stack">
        <p>Não foi possível abrir o formulário guardado neste aparelho.</p>
        <button type="button" class="button button-primary" onClick={() => {
          setPhase({ name: 'loading' });
          setAttempt((n) => n + 1);
        }}>Tentar de novo</button>
      </div>
    );
  }
  if (phase.name === 'choose') {
    return (
      <div class="notice stack" data-testid="resume-draft">
        <h2>Você tem um rascunho deste formulário</h2>
        <p>Salvo em {dateWords(phase.draft.updatedAt)}. Ele ainda não foi enviado.</p>
        <div class="button-row">
          <button type="button" class="button button-primary" onClick={() => void sessionFromDraft(service, form, districts, phase.draft).then((session) => setPhase({ name: 'filling', session }))}>
            Continuar o rascunho
          </button>
          <button type="button" class="button button-secondary" onClick={() => setPhase({ name: 'filling', session: newSession(service, form, districts) })}>
            Começar um novo
          </button>
        </div>
        <p class="field-hint">Começar um novo não apaga o rascunho: ele continua em "Minhas solicitações".</p>
      </div>
    );
  }
  return <FormFiller key={phase.session.draftId} service={service} session={phase.session} />;
}

function dateInputSupported(): boolean {
  const input = document.createElement('input');
  input.setAttribute('type', 'date');
  input.value = 'não é data';
  return input.type === 'date' && input.value === '';
}

function submitWords(form: FormDefinition): string {
  if (form.kind === 'evaluation') return 'Enviar avaliação';
  if (form.kind === 'manifestation') return 'Enviar manifestação';
  return 'Enviar pedido';
}

/** Into the outbox: the integrity channel's denúncia travels alone, by its own route (sync/outbox/integrity.ts). */
async function putInOutbox(
  service: Service, session: Session, answers: Draft['answers'], photos: Map<string, PhotoFile>, identification: IdentificationMode | undefined,
): Promise<void> {
  const { form } = session;
  const attachments = attachmentsFor(form, answers, photos);
  const input = {
    id: session.recordId, kind: form.kind, serviceId: service.id, formId: form.id, formVersion: form.version,
    answers, attachments,
    files: attachments.map((a) => photos.get(a.sha256)!).map((p) => ({ sha256: p.sha256, blob: p.blob, type: p.type })),
    summary: { serviceName: service.name, formTitle: form.title },
    draftId: session.draftId,
  };
  if (identification) await enqueueIntegrityReport(getOutboxDb(), { ...input, identification });
  else await enqueueSubmission(getOutboxDb(), input);
}

function ErrorSummary({ summary, labelOf, summaryRef }: { summary: { id: string; message: string }[]; labelOf: (id: string) => string; summaryRef: RefObject<HTMLDivElement | null> }) {
  return (
    <div class="notice notice-error" role="alert" ref={summaryRef} data-testid="error-summary">
      <p><strong>{summary.length === 1 ? 'Falta corrigir 1 campo:' : `Falta corrigir ${summary.length} campos:`}</strong></p>
      <ul class="plain-list">
        {summary.map((item) => <li key={item.id}><a href={`#${fieldDomId(item.id)}`}>{labelOf(item.id)}: {item.message}</a></li>)}
      </ul>
    </div>
  );
}

function focusField(fieldId: string): void {
  const field = document.getElementById(fieldDomId(fieldId));
  field?.focus();
  field?.scrollIntoView?.({ block: 'center' });
}

interface FormFieldsProps {
  form: FormDefinition;
  state: FormState;
  env: FieldEnvironment;
  identification: IdentificationMode | undefined;
  onIdentification: (mode: IdentificationMode) => void;
}

/** The form's fields; in the integrity channel, with the choice of identification and the identity fields it allows. */
function FormFields({ form, state, env, identification, onIdentification }: FormFieldsProps) {
  const integrity = identification !== undefined;
  const identityFields = new Set<string>(IDENTITY_FIELDS);
  const choice = integrity ? <IdentificationChoice key="identificacao" value={identification} onChange={onIdentification} /> : null;
  return (
    <div class="form-fields">
      {form.fields.map((field) => {
        if (!integrity) return <FieldRow key={field.id} state={state} field={field} env={env} />;
        // The choice of identification takes the place of the "identificar" checkbox, which it drives.
        if (field.id === IDENTIFY_FIELD) return choice;
        if (identification === 'anonimo' && identityFields.has(field.id)) return null;
        return <FieldRow key={field.id} state={state} field={field} env={env} />;
      })}
      {integrity && !form.fields.some((f) => f.id === IDENTIFY_FIELD) && choice}
    </div>
  );
}

function FormFiller({ service, session }: { service: Service; session: Session }) {
  const { form, districts } = session;
  const today = useMemo(() => bahiaDay(), []);
  const state: FormState = useMemo(() => {
    const created = createFormState(form, session.answers, { today, districts });
    if (Object.keys(session.serverErrors).length) created.setServerErrors(session.serverErrors);
    return created;
  }, [session, today]);
  const photos = useRef(session.photos);
  const [identification, setIdentification] = useState(session.identification);
  const identificationRef = useRef(session.identification);
  const integrity = identification !== undefined;
  const [summary, setSummary] = useState<{ id: string; message: string }[] | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [submitProblem, setSubmitProblem] = useState<string | undefined>();
  const summaryRef = useRef<HTMLDivElement>(null);
  const { writer, draftOf, storageProblem, fieldEnvironment } = useDraft({ service, session, state, photos, identification: identificationRef });
  const env: FieldEnvironment = useMemo(() => fieldEnvironment(today, dateInputSupported()), [session, today, state, writer]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (submitting) return;
    setSubmitProblem(undefined);
    const errors = state.validateAll();
    const entries = Object.entries(errors);
    if (entries.length) {
      setSummary(entries.map(([id, message]) => ({ id, message })));
      focusField(entries[0]![0]);
      return;
    }
    setSummary(undefined);
    setSubmitting(true);
    try {
      await writer.flush();
      await putInOutbox(service, session, visibleAnswers(form, state.answers()), photos.current, identificationRef.current);
    } catch (error) {
      setSubmitting(false);
      setSubmitProblem(error instanceof Error && /^(StorageFullError|MissingFileError)$/.test(error.name) ? error.message : 'Não foi possível guardar o envio neste aparelho. Tente de novo.');
      return;
    }
    void requestBackgroundSync();
    void requestSync('enqueue');
    navigate(`/minhas-solicitacoes/${session.recordId}?novo=1`, { replace: true });
  };

  useEffect(() => {
    if (summary?.length) summaryRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [summary]);

  const labelOf = (id: string) => form.fields.find((f) => f.id === id)?.label ?? id;
  const chooseIdentification = (mode: IdentificationMode) => {
    identificationRef.current = mode;
    setIdentification(mode);
    if (form.fields.some((f) => f.id === IDENTIFY_FIELD)) state.set(IDENTIFY_FIELD, mode === 'anonimo' ? undefined : true);
    writer.save(draftOf(state.answers()));
  };
  return (
    <form class="stack" noValidate onSubmit={(event) => void submit(event)} data-testid="service-form">
      {session.serverMessage && (
        <div class="notice notice-error" role="alert">
          <p><strong>A Prefeitura pediu correções:</strong> {session.serverMessage}</p>
          <p>Corrija os campos marcados e envie de novo. O pedido continua o mesmo.</p>
        </div>
      )}
      {storageProblem && <div class="notice notice-error" role="alert"><p>{storageProblem}</p></div>}
      {summary && summary.length > 0 && <ErrorSummary summary={summary} labelOf={labelOf} summaryRef={summaryRef} />}
      {form.description && <p>{form.description}</p>}
      <p class="field-hint">Tudo o que você escreve fica salvo neste aparelho na hora, mesmo sem internet.</p>
      {integrity && (
        <p class="notice" data-testid="integrity-note">
          A denúncia segue sozinha, por um canal separado dos seus outros pedidos, e não recebe protocolo: ao chegar, você recebe um recibo de 16 números para acompanhar.
        </p>
      )}
      <FormFields form={form} state={state} env={env} identification={identification} onIdentification={chooseIdentification} />
      {submitProblem && <div class="notice notice-error" role="alert"><p>{submitProblem}</p></div>}
      <button type="submit" class="button button-primary button-block" disabled={submitting}>{submitting ? 'Guardando…' : submitWords(form)}</button>
      <p class="field-hint">Sem sinal? O envio fica guardado no aparelho e segue sozinho quando houver conexão.</p>
    </form>
  );
}
