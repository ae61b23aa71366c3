/**
 * What the simulated devices submit: valid answers to the forms of a charter (generated from each form's
 * field types by the same arbitraries as the property tests, then checked with the shared validation so a
 * generator gap shows up here and not as a "rejected" record mid-soak), and small byte-unique JPEG photos.
 * Same seed, same workload.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { EnqueueInput } from '../../src/sync/outbox/enqueue.ts';
import { bahiaDay } from '../../src/shared/dates.ts';
import type { Answers } from '../../src/shared/contract/submissions.ts';
import type { Charter } from '../../src/shared/contract/charter.ts';
import type { FormDefinition } from '../../src/shared/contract/forms.ts';
import { validateAnswers, validateAttachmentRefs } from '../../src/shared/validate-answers.ts';
import { seededRandom } from '../support/fault-proxy.ts';
import { validSubmissionArbitrary, type UploadedFile } from '../support/submission-arbitraries.ts';

/** The file-address salt every simulated device uses (each device writes it into its own outbox first). */
export const SOAK_SALT = '5a17'.repeat(16);

export interface SoakPhoto {
  sha256: string;
  bytes: Uint8Array;
}

export interface SoakSubmission {
  input: EnqueueInput;
  /** When the person filled it in (up to three days before the run: a field worker offline for days). */
  createdAt: number;
  photo?: SoakPhoto;
  /** CPFs, phones and e-mails typed in: none may ever appear in the server's output. */
  personalData: string[];
}

export interface WorkloadOptions {
  charter: Charter;
  submissions: number;
  photos: number;
  seed: number;
  now?: number;
  /** Exact size of every photo; default a few KB each (the soak is about counts, not bandwidth). */
  photoBytes?: number;
}

const PERSONAL_TYPES = new Set(['cpf', 'phone', 'email']);

/** A JPEG by its signature (what the server checks) with seeded noise; the index makes every file unique. */
export function soakPhoto(index: number, random: () => number, size?: number): SoakPhoto {
  const noise = size ? Math.max(0, size - 10) : 2_048 + Math.floor(random() * 10_240);
  const bytes = new Uint8Array(4 + 4 + noise + 2);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  new DataView(bytes.buffer).setUint32(4, index);
  for (let i = 8; i < 8 + noise; i++) bytes[i] = Math.floor(random() * 256);
  bytes.set([0xff, 0xd9], bytes.length - 2);
  return { sha256: createHash('sha256').update(Buffer.from(SOAK_SALT, 'hex')).update(bytes).digest('hex'), bytes };
}

function photoFields(form: FormDefinition) {
  return form.fields.filter((f) => f.type === 'photo');
}

/** Forms that can carry exactly one photo, and forms that can be sent without any. */
function formsFor(charter: Charter) {
  const hasService = (form: FormDefinition) => form.kind !== 'request' || charter.services.some((s) => s.formId === form.id);
  const usable = charter.forms.filter(hasService);
  const onePhoto = usable.filter((form) => {
    const fields = photoFields(form);
    return fields.length === 1 && (fields[0]!.minItems ?? 0) <= 1;
  });
  const noPhoto = usable.filter((form) => photoFields(form).every((f) => !f.required && (f.minItems ?? 0) === 0));
  if (!onePhoto.length || !noPhoto.length) throw new Error('The charter has no form for photo or photo-free submissions.');
  return { onePhoto, noPhoto };
}

function pickIndices(count: number, total: number, random: () => number): Set<number> {
  const order = Array.from({ length: total }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Set(order.slice(0, count));
}

export function buildWorkload({ charter, submissions, photos, seed, now = Date.now(), photoBytes }: WorkloadOptions): SoakSubmission[] {
  if (photos > submissions) throw new Error('At most one photo per submission.');
  const random = seededRandom(seed);
  const { onePhoto, noPhoto } = formsFor(charter);
  const withPhoto = pickIndices(photos, submissions, random);
  const seenPhotos = new Set<string>();
  const workload: SoakSubmission[] = [];
  let photoIndex = 0;
  for (let i = 0; i < submissions; i++) {
    const photo = withPhoto.has(i) ? soakPhoto(photoIndex++, random, photoBytes) : undefined;
    if (photo) {
      if (seenPhotos.has(photo.sha256)) throw new Error('Two soak photos have the same bytes.');
      seenPhotos.add(photo.sha256);
    }
    const files: UploadedFile[] = photo ? [{ sha256: photo.sha256, type: 'image/jpeg', size: photo.bytes.length }] : [];
    const subset: Charter = { ...charter, forms: photo ? onePhoto : noPhoto };
    const arbitrary = validSubmissionArbitrary(subset, files, { withPhotos: Boolean(photo), now });
    let accepted: SoakSubmission | undefined;
    for (let attempt = 0; attempt < 50 && !accepted; attempt++) {
      const [generated] = fc.sample(arbitrary, { seed: seed + i * 1_000 + attempt, numRuns: 1 });
      const { form, body } = generated!;
      const createdAt = Date.parse(body.createdAt);
      const answers = body.answers as Answers;
      const problems = {
        ...validateAttachmentRefs(form, answers, body.attachments),
        ...validateAnswers(form, answers, { today: bahiaDay(createdAt), districts: charter.districts }),
      };
      if (Object.keys(problems).length) continue;
      if (photo && body.attachments.length !== 1) continue;
      const service = charter.services.find((s) => s.id === body.serviceId)!;
      accepted = {
        createdAt,
        photo,
        personalData: form.fields.filter((f) => PERSONAL_TYPES.has(f.type) && typeof answers[f.id] === 'string').map((f) => answers[f.id] as string),
        input: {
          id: body.id,
          kind: form.kind,
          serviceId: body.serviceId,
          formId: form.id,
          formVersion: form.version,
          answers,
          attachments: body.attachments,
          files: photo ? [{ sha256: photo.sha256, blob: new Blob([photo.bytes], { type: 'image/jpeg' }), type: 'image/jpeg' }] : [],
          summary: { serviceName: service.name, formTitle: form.title },
        },
      };
    }
    if (!accepted) throw new Error(`Could not generate valid answers for submission ${i} in 50 tries.`);
    workload.push(accepted);
  }
  const ids = new Set(workload.map((s) => s.input.id));
  if (ids.size !== workload.length) throw new Error('Two soak submissions have the same id.');
  return workload;
}
