/**
 * Filling a form of the charter: resumes or starts a draft (or the correction of a rejected record),
 * saves every change at once, validates with the shared rules and puts the submission in the outbox.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AttachmentType } from '../../../shared/contract/submissions.ts';
import type { District, Service } from '../../../shared/contract/charter.ts';
import type { FormDefinition } from '../../../shared/contract/forms.ts';
import { IDENTITY_FIELDS, type IdentificationMode } from '../../../shared/contract/integrity.ts';
import { INTEGRITY_SERVICE_ID } from '../../../shared/contract/integrity-service.ts';
import { visibleAnswers } from '../../../shared/validate-answers.ts';
import { bahiaDay } from '../../../shared/dates.ts';
import { navigate } from '../../common/navigation.tsx';
import { getOutboxDb, type Draft } from '../../../sync/db.ts';
import { correctionDraftId, createDraftWriter, findResumableDraft, saveDraftWithFile } from '../../../sync/drafts.ts';
import { enqueueSubmission } from '../../../sync/enqueue.ts';
import { enqueueIntegrityReport } from '../../../sync/integrity.ts';
import { fileAddress } from '../../../sync/hash.ts';
import { registerBackgroundSync } from '../outbox-ui/register-background-sync.ts';
import { requestSync } from '../../../sync/sync-engine.ts';
import { dateWords } from '../outbox-ui/state-words.ts';
import { attachmentsFor, createFormState, type FormState } from './form-state.ts';
import { FieldRow, fieldDomId, type FieldEnvironment, type PhotoItem } from './fields.tsx';
import { shrinkPhoto } from './photo-shrink.ts';
import { IdentificationChoice, IDENTIFY_FIELD } from './identification-choice.tsx';
import './forms.css';

interface PhotoFile extends PhotoItem {
  blob: Blob;
  type: AttachmentType;
}

interface Session {
  /**
   * The form and district list as they were when filling started: a charter refreshed in the
   * background must not reset what the person typed (the submission names the version it was filled in).
   */
  form: FormDefinition;
  districts: readonly District[];
  draftId: string;
  /** The submission id: new, the draft's, or the rejected record's being corrected. */
  recordId: string;
  correctsRecordId?: string;
  createdAt: number;
  answers: Draft['answers'];
  serverErrors: Record<string, string>;
  serverMessage?: string;
  photos: Map<string, PhotoFile>;
  /** The integrity channel's form only: how the person chose to be identified. */
  identification?: IdentificationMode;
}

type Phase =
  | { name: 'loading' }
  | { name: 'choose'; draft: Draft }
  | { name: 'filling'; session: Session }
  | { name: 'gone'; message: string }
  | { name: 'failed' };

export interface FormScreenProps {
  service: Service;
  form: FormDefinition;
  districts: readonly District[];
  query: URLSearchParams;
}

function newSession(service: Service, form: FormDefinition, districts: readonly District[]): Session {
  const id = crypto.randomUUID();
  return {
    form, districts, draftId: id, recordId: id, createdAt: Date.now(), answers: {}, serverErrors: {}, photos: new Map(),
    ...(service.id === INTEGRITY_SERVICE_ID ? { identification: 'anonimo' as const } : {}),
  };
}

/**
 * The integrity channel's identification, as the draft or the record to correct left it; anonymous unless the
 * person chose otherwise. The form's "identificar" checkbox follows the choice (it shows the identity fields).
 */
function identificationOf(service: Service, draft: Draft, recorded?: IdentificationMode): IdentificationMode | undefined {
  if (service.id !== INTEGRITY_SERVICE_ID) return undefined;
  return recorded ?? draft.identification ?? (draft.answers[IDENTIFY_FIELD] === true ? 'preservada' : 'anonimo');
}

function withIdentification(form: FormDefinition, answers: Draft['answers'], mode: IdentificationMode | undefined): Draft['answers'] {
  if (mode === undefined || !form.fields.some((f) => f.id === IDENTIFY_FIELD)) return answers;
  const { [IDENTIFY_FIELD]: _old, ...rest } = answers;
  return mode === 'anonimo' ? rest : { ...rest, [IDENTIFY_FIELD]: true };
}

async function loadPhotos(hashes: string[]): Promise<Map<string, PhotoFile>> {
  const rows = await getOutboxDb().blobs.bulkGet(hashes);
  const photos = new Map<string, PhotoFile>();
  for (const row of rows) {
    if (row) photos.set(row.sha256, { sha256: row.sha256, blob: row.blob, type: row.type, size: row.size, url: URL.createObjectURL(row.blob) });
  }
  return photos;
}

function photoHashes(form: FormDefinition, answers: Draft['answers']): string[] {
  return form.fields.filter((f) => f.type === 'photo').flatMap((f) => {
    const value = answers[f.id];
    return Array.isArray(value) ? value : [];
  });
}

/** A photo gone from the phone is dropped from the answers, so its field asks for it again before sending. */
function withoutMissingPhotos(form: FormDefinition, answers: Draft['answers'], photos: Map<string, PhotoFile>): Draft['answers'] {
  const kept = { ...answers };
  for (const field of form.fields) {
    const value = kept[field.id];
    if (field.type !== 'photo' || !Array.isArray(value)) continue;
    const present = value.filter((hash) => photos.has(hash));
    if (present.length) kept[field.id] = present;
    else delete kept[field.id];
  }
  return kept;
}

async function sessionFromDraft(
  service: Service, form: FormDefinition, districts: readonly District[], draft: Draft,
  serverErrors: Record<string, string> = {}, serverMessage?: string, recorded?: IdentificationMode,
): Promise<Session> {
  const photos = await loadPhotos(photoHashes(form, draft.answers));
  const identification = identificationOf(service, draft, recorded);
  return {
    form,
    districts,
    draftId: draft.id,
    recordId: draft.correctsRecordId ?? draft.id,
    ...(draft.correctsRecordId ? { correctsRecordId: draft.correctsRecordId } : {}),
    createdAt: draft.createdAt,
    answers: withIdentification(form, withoutMissingPhotos(form, draft.answers, photos), identification),
    serverErrors,
    ...(serverMessage ? { serverMessage } : {}),
    photos,
    ...(identification ? { identification } : {}),
  };
}

async function resolvePhase(service: Service, form: FormDefinition, districts: readonly District[], query: URLSearchParams): Promise<Phase> {
  const db = getOutboxDb();
  const correct = query.get('corrigir');
  if (correct) {
    const record = await db.records.get(correct);
    if (!record || record.state !== 'rejected' || !record.answers) {
      return { name: 'gone', message: 'Este pedido não precisa de correção (ou não está mais neste aparelho). Veja em "Minhas solicitações".' };
    }
    const draftId = correctionDraftId(record.id);
    const saved = await db.drafts.get(draftId);
    const draft: Draft = saved ?? {
      id: draftId, serviceId: record.serviceId, formId: record.formId, formVersion: form.version, kind: form.kind,
      answers: record.answers, attachments: record.attachments, correctsRecordId: record.id, createdAt: Date.now(), updatedAt: Date.now(),
      summary: { serviceName: service.name, formTitle: form.title },
    };
    return { name: 'filling', session: await sessionFromDraft(service, form, districts, draft, record.fieldErrors ?? {}, record.lastError, saved ? undefined : record.integrity?.identification) };
  }
  const draftId = query.get('rascunho');
  if (draftId) {
    const draft = await db.drafts.get(draftId);
    if (!draft) return { name: 'gone', message: 'Este rascunho não está mais neste aparelho. Talvez já tenha sido enviado: veja em "Minhas solicitações".' };
    return { name: 'filling', session: await sessionFromDraft(service, form, districts, draft) };
  }
  const resumable = await findResumableDraft(db, form.id, service.id);
  if (resumable && Object.keys(resumable.answers).length > 0) return { name: 'choose', draft: resumable };
  return { name: 'filling', session: newSession(service, form, districts) };
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
  const [storageProblem, setStorageProblem] = useState<string | undefined>();
  const [summary, setSummary] = useState<{ id: string; message: string }[] | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [submitProblem, setSubmitProblem] = useState<string | undefined>();
  const summaryRef = useRef<HTMLDivElement>(null);

  const draftOf = (answers: Draft['answers'], extra?: PhotoFile): Draft => {
    const meta = new Map(photos.current);
    if (extra) meta.set(extra.sha256, extra);
    return {
      id: session.draftId, serviceId: service.id, formId: form.id, formVersion: form.version, kind: form.kind,
      answers, attachments: attachmentsFor(form, answers, meta),
      ...(session.correctsRecordId ? { correctsRecordId: session.correctsRecordId } : {}),
      ...(identificationRef.current ? { identification: identificationRef.current } : {}),
      createdAt: session.createdAt, updatedAt: Date.now(),
      summary: { serviceName: service.name, formTitle: form.title },
    };
  };

  const writer = useMemo(() => createDraftWriter(getOutboxDb(), (error) => {
    setStorageProblem(error instanceof Error && error.name === 'StorageFullError' ? error.message : 'Não foi possível salvar o rascunho neste aparelho.');
  }), []);

  useEffect(() => state.onChange((answers) => {
    setStorageProblem(undefined);
    writer.save(draftOf(answers));
  }), [state, writer]);

  useEffect(() => {
    // Leaving the app or the page writes the draft now, not after the typing delay.
    const flushNow = () => void writer.flush();
    const onVisibility = () => document.visibilityState === 'hidden' && flushNow();
    window.addEventListener('pagehide', flushNow);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', flushNow);
      document.removeEventListener('visibilitychange', onVisibility);
      flushNow();
      photos.current.forEach((p) => URL.revokeObjectURL(p.url));
    };
  }, [writer]);

  const env: FieldEnvironment = useMemo(() => ({
    districts,
    today,
    dateInputSupported: dateInputSupported(),
    photo: (sha) => photos.current.get(sha),
    async addPhoto(fieldId, file) {
      const blob = await shrinkPhoto(file);
      const sha256 = await fileAddress(getOutboxDb(), blob);
      const item: PhotoFile = { sha256, blob, type: 'image/jpeg', size: blob.size, url: photos.current.get(sha256)?.url ?? URL.createObjectURL(blob) };
      // A draft write still waiting holds answers without this photo: it must land before, not after.
      await writer.flush();
      const answers = state.answers();
      const current = answers[fieldId];
      const list = Array.isArray(current) ? current : [];
      await saveDraftWithFile(getOutboxDb(), draftOf({ ...answers, [fieldId]: list.includes(sha256) ? list : [...list, sha256] }, item), {
        sha256, blob, type: 'image/jpeg', size: blob.size,
      });
      photos.current.set(sha256, item);
      return sha256;
    },
  }), [session, today, state, writer]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (submitting) return;
    setSubmitProblem(undefined);
    const errors = state.validateAll();
    const entries = Object.entries(errors);
    if (entries.length) {
      setSummary(entries.map(([id, message]) => ({ id, message })));
      const first = document.getElementById(fieldDomId(entries[0]![0]));
      first?.focus();
      first?.scrollIntoView?.({ block: 'center' });
      return;
    }
    setSummary(undefined);
    setSubmitting(true);
    try {
      await writer.flush();
      const answers = visibleAnswers(form, state.answers());
      const attachments = attachmentsFor(form, answers, photos.current);
      const input = {
        id: session.recordId, kind: form.kind, serviceId: service.id, formId: form.id, formVersion: form.version,
        answers, attachments,
        files: attachments.map((a) => photos.current.get(a.sha256)!).map((p) => ({ sha256: p.sha256, blob: p.blob, type: p.type })),
        summary: { serviceName: service.name, formTitle: form.title },
        draftId: session.draftId,
      };
      // The integrity channel's denúncia travels alone, by its own route (sync/integrity.ts).
      if (identificationRef.current) await enqueueIntegrityReport(getOutboxDb(), { ...input, identification: identificationRef.current });
      else await enqueueSubmission(getOutboxDb(), input);
    } catch (error) {
      setSubmitting(false);
      setSubmitProblem(error instanceof Error && /^(StorageFullError|MissingFileError)$/.test(error.name) ? error.message : 'Não foi possível guardar o envio neste aparelho. Tente de novo.');
      return;
    }
    void registerBackgroundSync();
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
  const hasIdentifyField = form.fields.some((f) => f.id === IDENTIFY_FIELD);
  const identityFields = new Set<string>(IDENTITY_FIELDS);
  const choice = integrity ? <IdentificationChoice key="identificacao" value={identification!} onChange={chooseIdentification} /> : null;
  return (
    <form class="stack" noValidate onSubmit={(event) => void submit(event)} data-testid="service-form">
      {session.serverMessage && (
        <div class="notice notice-error" role="alert">
          <p><strong>A Prefeitura pediu correções:</strong> {session.serverMessage}</p>
          <p>Corrija os campos marcados e envie de novo. O pedido continua o mesmo.</p>
        </div>
      )}
      {storageProblem && <div class="notice notice-error" role="alert"><p>{storageProblem}</p></div>}
      {summary && summary.length > 0 && (
        <div class="notice notice-error" role="alert" ref={summaryRef} data-testid="error-summary">
          <p><strong>{summary.length === 1 ? 'Falta corrigir 1 campo:' : `Falta corrigir ${summary.length} campos:`}</strong></p>
          <ul class="plain-list">
            {summary.map((item) => <li key={item.id}><a href={`#${fieldDomId(item.id)}`}>{labelOf(item.id)}: {item.message}</a></li>)}
          </ul>
        </div>
      )}
      {form.description && <p>{form.description}</p>}
      <p class="field-hint">Tudo o que você escreve fica salvo neste aparelho na hora, mesmo sem internet.</p>
      {integrity && (
        <p class="notice" data-testid="integrity-note">
          A denúncia segue sozinha, por um canal separado dos seus outros pedidos, e não recebe protocolo: ao chegar, você recebe um recibo de 16 números para acompanhar.
        </p>
      )}
      <div class="form-fields">
        {form.fields.map((field) => {
          if (!integrity) return <FieldRow key={field.id} state={state} field={field} env={env} />;
          // The choice of identification takes the place of the "identificar" checkbox, which it drives.
          if (field.id === IDENTIFY_FIELD) return choice;
          if (identification === 'anonimo' && identityFields.has(field.id)) return null;
          return <FieldRow key={field.id} state={state} field={field} env={env} />;
        })}
        {integrity && !hasIdentifyField && choice}
      </div>
      {submitProblem && <div class="notice notice-error" role="alert"><p>{submitProblem}</p></div>}
      <button type="submit" class="button button-primary button-block" disabled={submitting}>{submitting ? 'Guardando…' : submitWords(form)}</button>
      <p class="field-hint">Sem sinal? O envio fica guardado no aparelho e segue sozinho quando houver conexão.</p>
    </form>
  );
}
