/**
 * `npm run audit:verify [-- --dias 7] [--publicado auditoria.json]`: walks the audit log's hash chain
 * (a page at a time) and recomputes every hash. Prints OK and the final hash of the last days, or the first
 * entry that does not match and exits 1. With --publicado, a copy kept of GET /api/transparencia/auditoria.json
 * is compared too: that catches a rewrite by someone who also recomputed every hash after it (the database's
 * owner can), because the published copy was made before. Embedded database: stop the server first.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyChain, type DayHash } from '../storage/audit-chain.ts';
import { openCliStorage } from './open-cli-storage.ts';

const USAGE = 'Uso: npm run audit:verify -- [--dias N] [--publicado arquivo.json]';

let args: { dias?: string | undefined; publicado?: string | undefined };
try {
  args = parseArgs({ options: { dias: { type: 'string' }, publicado: { type: 'string' } } }).values;
} catch {
  console.error(USAGE);
  process.exit(2);
}
const shownDays = Number(args.dias ?? 7);
if (!Number.isInteger(shownDays) || shownDays < 0) {
  console.error(USAGE);
  process.exit(2);
}

/** The days of a kept copy of auditoria.json, or a pt-BR reason it is not one. */
function readPublished(path: string): DayHash[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return `Não foi possível ler ${path}: ${(error as Error).message}`;
  }
  const valid = Array.isArray(parsed) && parsed.every((d) => d && typeof d === 'object'
    && typeof d.day === 'string' && typeof d.lastEntryId === 'string' && typeof d.hash === 'string');
  return valid ? parsed as DayHash[] : `${path} não é uma cópia de /api/transparencia/auditoria.json.`;
}

const published = args.publicado ? readPublished(args.publicado) : [];
if (typeof published === 'string') {
  console.error(published);
  process.exit(2);
}

const storage = await openCliStorage();
try {
  const check = await verifyChain(storage);
  if (!check.ok) {
    console.error(`Registro de auditoria ALTERADO: a entrada #${check.brokenId} ${check.reason}. ${check.entries} entrada(s) anteriores conferem.`);
    process.exitCode = 1;
  } else {
    const byDay = new Map(check.days.map((d) => [d.day, d]));
    const differing = published.find((p) => byDay.get(p.day)?.hash !== p.hash || byDay.get(p.day)?.lastEntryId !== p.lastEntryId);
    if (differing) {
      console.error(`Registro de auditoria ALTERADO: o hash publicado do dia ${differing.day} (entrada #${differing.lastEntryId}) não confere com o registro atual: o histórico foi reescrito depois da publicação.`);
      process.exitCode = 1;
    } else {
      console.log(`Registro de auditoria íntegro: ${check.entries} entrada(s), a última #${check.lastId ?? '-'}, hash ${check.lastHash}.`);
      if (published.length) console.log(`Os ${published.length} dia(s) publicados conferem.`);
      const days = check.days.slice(-shownDays);
      if (days.length) console.log(`Hash final de cada dia (horário da Bahia):\n${days.map((d) => `${d.day}  #${d.lastEntryId}  ${d.hash}  (${d.entries} entrada(s))`).join('\n')}`);
    }
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await storage.close();
}
