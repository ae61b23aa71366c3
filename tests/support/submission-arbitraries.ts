/**
 * fast-check arbitraries for submissions a person could really send: answers are generated from each
 * form's field types and constraints (so a new fixture form is covered without new code), visibility rules
 * are honoured, and photos come from files already uploaded to the server under test.
 */
import fc from 'fast-check';
import { bahiaDay } from '../../src/shared/dates.ts';
import type { AnswerValue, Attachment, AttachmentType, LocationAnswer } from '../../src/shared/contract/submissions.ts';
import type { Charter, District } from '../../src/shared/contract/charter.ts';
import type { FormDefinition, FormField } from '../../src/shared/contract/forms.ts';

/** A file the server already holds. */
export interface UploadedFile {
  sha256: string;
  type: AttachmentType;
  size: number;
}

/** The submission as it goes on the wire (plain JSON), with the form it was filled in with. */
export interface GeneratedSubmission {
  form: FormDefinition;
  body: {
    id: string;
    kind: string;
    serviceId: string;
    formId: string;
    formVersion: number;
    answers: Record<string, AnswerValue>;
    attachments: Attachment[];
    createdAt: string;
  };
}

/**
 * Text that must be stored and shown as text, never run: every entry is between 10 and 120 characters
 * once trimmed, has no "@", and so is a valid answer to any free-text field of the fixture forms.
 */
export const INJECTION_STRINGS = [
  "'; DROP TABLE submissions; --",
  "' OR '1'='1' --",
  "1; DELETE FROM attachments WHERE '1'='1",
  '"); DROP TABLE attachments; --',
  "Robert'); DROP TABLE status_history;--",
  "<script>alert('xss')</script>",
  '<img src=x onerror=alert(1)>',
  '</textarea><svg onload=alert(1)>',
  "{{constructor.constructor('alert(1)')()}}",
  '${7*7} %s %n $1 \\ " \' `',
  'javascript:alert(document.cookie)',
  '<a href="javascript:alert(1)">clique</a>',
] as const;

const PORTUGUESE_WORDS = ['buraco', 'rua', 'água', 'escola', 'ônibus', 'calçada', 'poste', 'São João', 'Iguá', 'Conceição', 'açaí', 'pôr do sol', 'criança', 'idoso'];

/** Letters a person in Bahia types, plus emoji, punctuation and markup, never a NUL (a separate test). */
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZáàâãéêíóôõúüçÁÂÃÉÊÍÓÔÕÚÇ0123456789 '.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('.', ',', ';', ':', '!', '?', '-', '(', ')', '"', "'", '<', '>', '&', '/', '\\', '\n', '\t', '😀', '🕳️', '👍🏽', '\u00a0', '\u200b') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !c.includes('\u0000')) },
);

/** Text whose trimmed length is within [min, max] and whose raw length stays within max (UTF-16 units). */
export function textArbitrary(min: number, max: number): fc.Arbitrary<string> {
  const free = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: textUnit, minLength: Math.max(min, 1), maxLength: Math.min(max, Math.max(min, 1) + 80) }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...PORTUGUESE_WORDS), { minLength: 1, maxLength: 12 }).map((words) => words.join(' ')) },
    { weight: 2, arbitrary: fc.constantFrom(...INJECTION_STRINGS) },
  );
  return free.filter((text) => {
    const trimmed = text.trim().length;
    return trimmed >= Math.max(min, 1) && trimmed <= max && text.length <= max;
  });
}

function checkDigit(digits: number[]): number {
  const length = digits.length;
  const sum = digits.reduce((total, digit, i) => total + digit * (length + 1 - i), 0);
  const rest = (sum * 10) % 11;
  return rest === 10 ? 0 : rest;
}

export const cpfArbitrary: fc.Arbitrary<string> = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
  .filter((digits) => new Set(digits).size > 1)
  .chain((nine) => {
    const ten = [...nine, checkDigit(nine)];
    const digits = [...ten, checkDigit(ten)].join('');
    return fc.constantFrom(digits, `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6, 9)}-${digits.slice(9)}`);
  });

const digitString = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

export const phoneArbitrary: fc.Arbitrary<string> = fc
  .record({
    area: fc.integer({ min: 11, max: 99 }).filter((area) => area % 10 !== 0),
    local: fc.oneof(digitString(8).map((d) => `9${d}`), fc.tuple(fc.integer({ min: 2, max: 5 }), digitString(7)).map(([first, rest]) => `${first}${rest}`)),
    style: fc.constantFrom('masked', 'bare', 'international'),
  })
  .map(({ area, local, style }) => {
    const masked = `(${area}) ${local.slice(0, -4)}-${local.slice(-4)}`;
    return style === 'masked' ? masked : style === 'bare' ? `${area}${local}` : `+55 ${masked}`;
  });

export const cepArbitrary: fc.Arbitrary<string> = fc
  .tuple(digitString(5), digitString(3), fc.boolean())
  .filter(([head, tail]) => `${head}${tail}` !== '00000000')
  .map(([head, tail, masked]) => (masked ? `${head}-${tail}` : `${head}${tail}`));

const emailPart = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), minLength: 1, maxLength: 20 });
export const emailArbitrary: fc.Arbitrary<string> = fc
  .tuple(emailPart, fc.constantFrom('', '.', '+', '_'), emailPart, emailPart, fc.constantFrom('com', 'com.br', 'gov.br', 'org'))
  .map(([user, separator, tag, domain, tld]) => `${user}${separator ? separator + tag : ''}@${domain}.${tld}`);

function locationArbitrary(districts: readonly District[]): fc.Arbitrary<LocationAnswer> {
  const place = fc.constantFrom(...districts).chain((district) =>
    fc.record(
      {
        district: fc.constantFrom(district.id, district.name),
        village: district.villages.length ? fc.constantFrom(...district.villages) : fc.constant(undefined),
      },
      { requiredKeys: ['district'] },
    ),
  );
  const point = fc.record(
    {
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lng: fc.double({ min: -180, max: 180, noNaN: true }),
      accuracy: fc.double({ min: 0, max: 100_000, noNaN: true }),
    },
    { requiredKeys: ['lat', 'lng'] },
  );
  const strip = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as LocationAnswer;
  return fc.oneof(place, point, fc.tuple(place, point).map(([a, b]) => ({ ...a, ...b }))).map(strip);
}

const isoDay = (day: string) => new Date(`${day}T00:00:00Z`);

function dateArbitrary(field: FormField, today: string): fc.Arbitrary<string> {
  const bound = (value: string | undefined, fallback: string) => (value === 'today' ? today : value ?? fallback);
  const min = isoDay(bound(field.minDate, '1990-01-01'));
  const max = isoDay(bound(field.maxDate, '2035-12-31'));
  return fc.date({ min, max, noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
}

function numberArbitrary(field: FormField): fc.Arbitrary<number> {
  const min = field.min ?? -1_000_000;
  const max = field.max ?? 1_000_000;
  return field.integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
}

/** One answer that the field accepts, or undefined for a field whose answer lives elsewhere (none yet). */
function answerArbitrary(field: FormField, { today, districts, photos }: { today: string; districts: readonly District[]; photos: readonly UploadedFile[] }): fc.Arbitrary<AnswerValue> {
  const options = (field.options ?? []).map((o) => o.value);
  switch (field.type) {
    case 'text': return textArbitrary(field.minLength ?? 0, field.maxLength ?? 200);
    case 'textarea': return textArbitrary(field.minLength ?? 0, field.maxLength ?? 2000);
    case 'number': return numberArbitrary(field);
    case 'date': return dateArbitrary(field, today);
    case 'select': case 'radio': return fc.constantFrom(...options);
    case 'multiselect': return fc.subarray(options, { minLength: Math.max(field.minItems ?? 0, field.required ? 1 : 0), maxLength: field.maxItems ?? options.length });
    case 'checkbox': return field.required ? fc.constant(true) : fc.boolean();
    case 'consent': return fc.constant(true);
    case 'cpf': return cpfArbitrary;
    case 'phone': return phoneArbitrary;
    case 'cep': return cepArbitrary;
    case 'email': return emailArbitrary;
    case 'location': return locationArbitrary(districts);
    case 'photo': {
      const max = Math.min(field.maxItems ?? 5, photos.length);
      const min = Math.max(field.minItems ?? 0, field.required ? 1 : 0);
      return fc.subarray(photos.map((p) => p.sha256), { minLength: Math.min(min, max), maxLength: max });
    }
  }
}

function isVisible(form: FormDefinition, field: FormField, answers: Record<string, AnswerValue>): boolean {
  const condition = field.visibleIf;
  if (!condition) return true;
  const source = form.fields.find((f) => f.id === condition.field);
  if (!source || !isVisible(form, source, answers)) return false;
  const answer = answers[condition.field];
  return Array.isArray(answer) ? answer.includes(String(condition.equals)) : answer === condition.equals;
}

export interface ValidSubmissionOptions {
  /** Only forms with a photo field, with at least one photo. */
  withPhotos?: boolean;
  /** When the submissions are generated; createdAt is up to three days before. */
  now?: number;
}

/**
 * A submission the server must accept: every form of the charter, filled in by its field types; requests
 * go to the service that owns the form, evaluations to any service.
 */
export function validSubmissionArbitrary(charter: Charter, photos: readonly UploadedFile[], { withPhotos = false, now = Date.now() }: ValidSubmissionOptions = {}): fc.Arbitrary<GeneratedSubmission> {
  const forms = charter.forms.filter((form) => !withPhotos || form.fields.some((f) => f.type === 'photo'));
  if (!forms.length) throw new Error('No fixture form fits these options.');
  return fc
    .record({
      form: fc.constantFrom(...forms),
      id: fc.uuid({ version: 4 }),
      createdAt: fc.integer({ min: 0, max: 3 * 24 * 3600 * 1000 }).map((ago) => new Date(now - ago).toISOString()),
    })
    .chain(({ form, id, createdAt }) => {
      const today = bahiaDay(createdAt);
      const services = charter.services.filter((s) => (form.kind === 'request' ? s.formId === form.id : true));
      const candidates = Object.fromEntries(
        form.fields.map((field) => {
          const answer = answerArbitrary(field, { today, districts: charter.districts, photos });
          const mustPhoto = withPhotos && field.type === 'photo';
          const chosen = mustPhoto ? (answer as fc.Arbitrary<string[]>).filter((hashes) => hashes.length > 0) : answer;
          return [field.id, fc.record({ answer: chosen, include: field.required || mustPhoto ? fc.constant(true) : fc.boolean() })];
        }),
      ) as Record<string, fc.Arbitrary<{ answer: AnswerValue; include: boolean }>>;
      return fc.record({ serviceId: fc.constantFrom(...services.map((s) => s.id)), picks: fc.record(candidates) }).map(({ serviceId, picks }) => {
        const answers: Record<string, AnswerValue> = {};
        for (const field of form.fields) {
          const pick = picks[field.id]!;
          if ((field.required || pick.include) && isVisible(form, field, answers)) answers[field.id] = pick.answer;
        }
        const attachments: Attachment[] = form.fields
          .filter((field) => field.type === 'photo' && Array.isArray(answers[field.id]))
          .flatMap((field) => (answers[field.id] as string[]).map((hash) => {
            const file = photos.find((p) => p.sha256 === hash)!;
            return { sha256: file.sha256, type: file.type, size: file.size, fieldId: field.id };
          }));
        return {
          form,
          body: { id, kind: form.kind, serviceId, formId: form.id, formVersion: form.version, answers, attachments, createdAt },
        };
      });
    });
}
