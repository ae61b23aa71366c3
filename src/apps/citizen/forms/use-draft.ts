/**
 * The draft behind a form being filled: every change is written at once (after a short typing delay), and
 * at once when the person leaves the app or the page; a photo is stored with the draft that names it.
 */
import type { RefObject } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { IdentificationMode } from '../../../shared/contract/integrity.ts';
import type { Service } from '../../../shared/contract/charter.ts';
import { getOutboxDb, type Draft } from '../../../sync/outbox/db.ts';
import { createDraftWriter, saveDraftWithFile } from '../../../sync/outbox/drafts.ts';
import { fileAddress } from '../../../sync/outbox/file-address.ts';
import type { FieldEnvironment } from './field-parts.tsx';
import { attachmentsFor, type FormState } from './form-state.ts';
import type { PhotoFile, Session } from './form-session.ts';
import { shrinkPhoto } from './photo-shrink.ts';

export interface DraftInputs {
  service: Service;
  session: Session;
  state: FormState;
  photos: RefObject<Map<string, PhotoFile>>;
  identification: RefObject<IdentificationMode | undefined>;
}

export function useDraft({ service, session, state, photos, identification }: DraftInputs) {
  const { form } = session;
  const [storageProblem, setStorageProblem] = useState<string | undefined>();

  const draftOf = (answers: Draft['answers'], extra?: PhotoFile): Draft => {
    const meta = new Map(photos.current);
    if (extra) meta.set(extra.sha256, extra);
    return {
      id: session.draftId, serviceId: service.id, formId: form.id, formVersion: form.version, kind: form.kind,
      answers, attachments: attachmentsFor(form, answers, meta),
      ...(session.correctsRecordId ? { correctsRecordId: session.correctsRecordId } : {}),
      ...(identification.current ? { identification: identification.current } : {}),
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

  /** What the fields need: districts, today, and photos kept with the draft. */
  const fieldEnvironment = (today: string, dateInputSupported: boolean): FieldEnvironment => ({
    districts: session.districts,
    today,
    dateInputSupported,
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
  });

  return { writer, draftOf, storageProblem, fieldEnvironment };
}
