/**
 * The one validation of answers against a form, run by the browser while the person types and by the
 * server before storing. Messages are pt-BR and meant to be shown next to the field.
 */
import type { AnswerValue, Answers, Attachment, LocationAnswer } from './contract/submissions.ts';
import type { District } from './contract/charter.ts';
import type { FormDefinition, FormField } from './contract/forms.ts';
import { SHA256_REGEX } from './contract/submissions.ts';
import { isValidCep, isValidCpf, isValidEmail, isValidIsoDate, isValidPhone } from './documents.ts';

export interface ValidationContext {
  /** The day the form was filled in (YYYY-MM-DD), the reference for "today" date bounds. */
  today?: string;
  /** When given, a location's district and village must come from this list. */
  districts?: readonly District[];
}

export type FieldErrors = Record<string, string>;

const DEFAULT_MAX_LENGTH: Partial<Record<FormField['type'], number>> = { text: 200, textarea: 2000 };
const DEFAULT_MAX_PHOTOS = 5;

function isEmpty(value: AnswerValue | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Whether a field applies given the answers so far (its visibleIf condition, and its condition's own). */
export function isFieldVisible(form: FormDefinition, field: FormField, answers: Answers): boolean {
  const condition = field.visibleIf;
  if (!condition) return true;
  const source = form.fields.find((f) => f.id === condition.field);
  if (!source || !isFieldVisible(form, source, answers)) return false;
  const answer = answers[condition.field];
  if (Array.isArray(answer)) return answer.includes(String(condition.equals));
  return answer === condition.equals;
}

/** Answers without the hidden fields' values: what is sent when the person submits. */
export function visibleAnswers(form: FormDefinition, answers: Answers): Answers {
  const kept: Answers = {};
  for (const field of form.fields) {
    const value = answers[field.id];
    if (value !== undefined && isFieldVisible(form, field, answers)) kept[field.id] = value;
  }
  return kept;
}

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function formatDateBr(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function requiredMessage(field: FormField): string {
  switch (field.type) {
    case 'select': case 'radio': return 'Escolha uma opção.';
    case 'multiselect': return 'Escolha pelo menos uma opção.';
    case 'checkbox': case 'consent': return 'É preciso marcar esta opção para continuar.';
    case 'photo': return 'Adicione pelo menos uma foto.';
    case 'location': return 'Informe o local: use o GPS ou escolha o distrito.';
    default: return 'Preencha este campo.';
  }
}

/** Message for one visible, non-empty answer, or undefined when it is fine. */
function checkValue(field: FormField, value: AnswerValue, ctx: ValidationContext): string | undefined {
  const optionValues = () => new Set(field.options?.map((o) => o.value));
  switch (field.type) {
    case 'text': case 'textarea': {
      if (typeof value !== 'string') return 'Deveria ser um texto.';
      const length = value.trim().length;
      const max = field.maxLength ?? DEFAULT_MAX_LENGTH[field.type]!;
      if (field.minLength !== undefined && length < field.minLength) return `Escreva pelo menos ${field.minLength} caracteres.`;
      if (length > max) return `Use no máximo ${max} caracteres (agora são ${length}).`;
      return undefined;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Digite um número.';
      if (field.integer && !Number.isInteger(value)) return 'Digite um número inteiro, sem vírgula.';
      if (field.min !== undefined && value < field.min) return `O número precisa ser ${field.min} ou mais.`;
      if (field.max !== undefined && value > field.max) return `O número precisa ser ${field.max} ou menos.`;
      return undefined;
    }
    case 'date': {
      if (typeof value !== 'string' || !isValidIsoDate(value)) return 'Data inválida. Confira o dia, o mês e o ano.';
      const today = ctx.today ?? todayIso();
      const min = field.minDate === 'today' ? today : field.minDate;
      const max = field.maxDate === 'today' ? today : field.maxDate;
      if (min && value < min) return field.minDate === 'today' ? 'A data não pode ser no passado.' : `A data precisa ser a partir de ${formatDateBr(min)}.`;
      if (max && value > max) return field.maxDate === 'today' ? 'A data não pode ser no futuro.' : `A data precisa ser até ${formatDateBr(max)}.`;
      return undefined;
    }
    case 'select': case 'radio':
      return typeof value === 'string' && optionValues().has(value) ? undefined : 'Escolha uma das opções da lista.';
    case 'multiselect': {
      if (!Array.isArray(value)) return 'Escolha as opções da lista.';
      const allowed = optionValues();
      if (value.some((item) => !allowed.has(item))) return 'Escolha apenas opções da lista.';
      if (new Set(value).size !== value.length) return 'Há uma opção repetida.';
      if (field.minItems !== undefined && value.length < field.minItems) return `Escolha pelo menos ${field.minItems} opções.`;
      if (field.maxItems !== undefined && value.length > field.maxItems) return `Escolha no máximo ${field.maxItems} opções.`;
      return undefined;
    }
    case 'checkbox': case 'consent':
      if (typeof value !== 'boolean') return 'Marque ou desmarque a opção.';
      return field.required && !value ? requiredMessage(field) : undefined;
    case 'cpf':
      return typeof value === 'string' && isValidCpf(value) ? undefined : 'CPF inválido. Confira os 11 números.';
    case 'phone':
      return typeof value === 'string' && isValidPhone(value) ? undefined : 'Telefone inválido. Use o DDD e o número, por exemplo (77) 98888-7777.';
    case 'cep':
      return typeof value === 'string' && isValidCep(value) ? undefined : 'CEP inválido. Use 8 números, por exemplo 45000-000.';
    case 'email':
      return typeof value === 'string' && isValidEmail(value) ? undefined : 'E-mail inválido. Confira, por exemplo: nome@exemplo.com.';
    case 'photo': {
      if (!Array.isArray(value) || value.some((hash) => typeof hash !== 'string' || !SHA256_REGEX.test(hash))) return 'Foto inválida. Tire ou escolha a foto de novo.';
      if (new Set(value).size !== value.length) return 'A mesma foto foi adicionada duas vezes.';
      const max = field.maxItems ?? DEFAULT_MAX_PHOTOS;
      if (value.length > max) return `Adicione no máximo ${max} fotos.`;
      if (field.minItems !== undefined && value.length < field.minItems) return `Adicione pelo menos ${field.minItems} fotos.`;
      return undefined;
    }
    case 'location':
      return checkLocation(value, ctx);
  }
}

function checkLocation(value: AnswerValue, ctx: ValidationContext): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Local inválido.';
  const location = value as LocationAnswer;
  const hasPoint = typeof location.lat === 'number' && typeof location.lng === 'number';
  if ((location.lat === undefined) !== (location.lng === undefined)) return 'Ponto de GPS incompleto. Tente de novo.';
  const district = location.district?.trim();
  if (!hasPoint && !district) return requiredMessage({ type: 'location' } as FormField);
  if (location.village && !district) return 'Escolha o distrito do povoado.';
  if (district && ctx.districts) {
    const known = ctx.districts.find((d) => d.id === district || d.name === district);
    if (!known) return 'Distrito não encontrado na lista.';
    if (location.village && !known.villages.includes(location.village)) return 'Povoado não encontrado neste distrito.';
  }
  return undefined;
}

/**
 * Checks answers against the form: unknown fields, answers to hidden fields, required fields and every
 * type's own rules. Returns an empty object when everything is fine.
 */
export function validateAnswers(form: FormDefinition, answers: Answers, ctx: ValidationContext = {}): FieldErrors {
  const errors: FieldErrors = {};
  const known = new Set(form.fields.map((f) => f.id));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) errors[key] = 'Este campo não faz parte do formulário.';
  }
  for (const field of form.fields) {
    const value = answers[field.id];
    const visible = isFieldVisible(form, field, answers);
    if (!visible) {
      if (value !== undefined) errors[field.id] = 'Este campo não se aplica às respostas dadas.';
      continue;
    }
    if (isEmpty(value) || (field.required && value === false && (field.type === 'checkbox' || field.type === 'consent'))) {
      if (field.required) errors[field.id] = requiredMessage(field);
      continue;
    }
    const message = checkValue(field, value!, ctx);
    if (message) errors[field.id] = message;
  }
  return errors;
}

/**
 * Photo answers and the submission's attachment list must name the same files, each under its field:
 * the server stores neither half of a submission whose files do not match its answers.
 */
export function validateAttachmentRefs(form: FormDefinition, answers: Answers, attachments: readonly Attachment[]): FieldErrors {
  const errors: FieldErrors = {};
  const listed = new Map(attachments.map((a) => [`${a.fieldId}:${a.sha256}`, a]));
  if (listed.size !== attachments.length) {
    for (const a of attachments) errors[a.fieldId] = 'O mesmo arquivo foi listado duas vezes.';
  }
  const referenced = new Set<string>();
  for (const field of form.fields) {
    if (field.type !== 'photo') continue;
    const hashes = answers[field.id];
    if (!Array.isArray(hashes)) continue;
    for (const hash of hashes) {
      referenced.add(`${field.id}:${hash}`);
      if (!listed.has(`${field.id}:${hash}`)) errors[field.id] = 'Uma foto não foi listada nos anexos do envio.';
    }
  }
  for (const key of listed.keys()) {
    const fieldId = key.split(':')[0]!;
    if (!referenced.has(key) && !Object.hasOwn(errors, fieldId)) errors[fieldId] = 'Há um anexo que nenhuma resposta cita.';
  }
  return errors;
}
