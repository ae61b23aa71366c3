import { readFileSync } from 'node:fs';
import { CharterSchema, type Charter } from '../../shared/contract/charter.ts';
import { parseContract } from '../../shared/contract/parse.ts';

export type CharterFileResult = { ok: true; charter: Charter } | { ok: false; fields: Record<string, string> };

/** Reads and validates a charter file; problems are reported per JSON path with pt-BR messages. */
export function readCharterFile(file: string): CharterFileResult {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'Arquivo não encontrado.' : 'O arquivo não é um JSON válido.';
    return { ok: false, fields: { '(arquivo)': reason } };
  }
  const parsed = parseContract(CharterSchema, json, { maxErrors: Infinity });
  return parsed.ok ? { ok: true, charter: parsed.value } : { ok: false, fields: parsed.fields };
}
