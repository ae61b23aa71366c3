/** Parsing the contract: untrusted input with pt-BR messages (server), answers the browser reads (client). */
import * as v from 'valibot';
import { issuesToFields } from './errors.ts';

/** Parses an answer the browser received; null when it is not of the expected shape. */
export function parseAnswer<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, input);
  return result.success ? result.output : null;
}

/** pt-BR text for valibot's own checks, used where a schema gives no message of its own. */
function ptBrMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.received === 'undefined') return 'Campo obrigatório ausente.';
  switch (issue.type) {
    case 'string': return 'Deveria ser um texto.';
    case 'number': return 'Deveria ser um número.';
    case 'boolean': return 'Deveria ser verdadeiro ou falso.';
    case 'array': return 'Deveria ser uma lista.';
    case 'object': case 'strict_object': return issue.expected === 'never' ? 'Campo não previsto.' : 'Deveria ser um objeto.';
    case 'record': return 'Deveria ser um objeto.';
    case 'picklist': return `Valor não aceito: ${issue.expected ?? ''}.`;
    case 'union': case 'variant': return 'Valor em formato não aceito.';
    case 'literal': return 'Valor não aceito.';
    case 'min_length': return `Precisa ter pelo menos ${issue.requirement as number} item(ns) ou caractere(s).`;
    case 'max_length': return `Pode ter no máximo ${issue.requirement as number} item(ns) ou caractere(s).`;
    case 'min_value': return `Precisa ser no mínimo ${String(issue.requirement)}.`;
    case 'max_value': return `Pode ser no máximo ${String(issue.requirement)}.`;
    case 'integer': return 'Deveria ser um número inteiro.';
    case 'iso_date': return 'Data inválida (use AAAA-MM-DD).';
    case 'iso_timestamp': return 'Data e hora inválidas (use ISO 8601).';
    case 'regex': return 'Formato inválido.';
    case 'uuid': return 'Deveria ser um UUID.';
    default: return 'Valor inválido.';
  }
}

type ParseResult<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/**
 * Parses untrusted input with pt-BR messages; the one entry point for validating the contract. Errors
 * are capped (MAX_FIELD_ERRORS) unless the caller wants them all, as the charter import does; with
 * abortEarly the parse stops at the first problem (cheap, for input already known to be hostile).
 */
export function parseContract<S extends v.GenericSchema>(schema: S, input: unknown, options: { maxErrors?: number; abortEarly?: boolean } = {}): ParseResult<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { message: ptBrMessage, abortPipeEarly: true, abortEarly: options.abortEarly ?? false });
  return result.success ? { ok: true, value: result.output } : { ok: false, fields: issuesToFields(result.issues, options.maxErrors) };
}
