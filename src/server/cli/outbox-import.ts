/**
 * `npm run outbox:import -- FILE`: imports the "Salvar cópia" file of a phone that could not get signal.
 * Files are verified like uploads; submissions go through the same acceptance as the API, so importing
 * twice is harmless. Prints one line per submission: id, outcome, protocol or error code (never answers).
 */
import { readFileSync } from 'node:fs';
import { OutboxExportSchema } from '../../shared/contract/outbox-export.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import { acceptSubmission } from '../domain/accept-submission.ts';
import { CharterCache } from '../domain/current-charter.ts';
import { deadlinesFor } from '../domain/deadlines.ts';
import { findAttachments } from '../storage/attachment-store.ts';
import { openCliStorage } from './open-cli-storage.ts';
import { verifyAttachment } from '../domain/verify-attachment.ts';

const file = process.argv[2];
if (!file) {
  console.error('Uso: npm run outbox:import -- ARQUIVO.json');
  process.exit(2);
}

let json: unknown;
try {
  json = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.error(`${file}: não foi possível ler um JSON válido.`);
  process.exit(1);
}
const parsed = parseContract(OutboxExportSchema, json);
if (!parsed.ok) {
  console.error(`${file} não é uma cópia de envios do Conecta Conquista:`);
  for (const [path, message] of Object.entries(parsed.fields)) console.error(`  ${path}: ${message}`);
  process.exit(1);
}

const storage = await openCliStorage();
let failures = 0;
try {
  for (const attachment of parsed.value.attachments) {
    const bytes = Buffer.from(attachment.base64, 'base64');
    const salt = attachment.salt ? Buffer.from(attachment.salt, 'hex') : undefined;
    const problem = bytes.length === attachment.size ? verifyAttachment(bytes, attachment.sha256, attachment.type, salt) : { body: { error: 'size_mismatch' } };
    if (problem) {
      failures++;
      console.log(`arquivo ${attachment.sha256}: recusado (${problem.body.error})`);
      continue;
    }
    const existed = (await findAttachments(storage, [attachment.sha256], { includeUnsalted: true })).size > 0;
    const sink = await storage.files.begin();
    await sink.write(bytes);
    await sink.commit(storage, { sha256: attachment.sha256, type: attachment.type, size: bytes.length, salted: salt !== undefined });
    console.log(`arquivo ${attachment.sha256}: ${existed ? 'exists' : 'created'}`);
  }
  const charters = new CharterCache(storage);
  const deps = { storage, charters, includeUnsaltedFiles: true, dueDate: deadlinesFor(storage, charters).dueDate };
  const counts: Record<string, number> = {};
  for (const item of parsed.value.submissions) {
    const result = await acceptSubmission(deps, item);
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    if ('receipt' in result) {
      console.log(`${result.id}: ${result.outcome} ${result.receipt.protocol}`);
    } else {
      failures++;
      const fields = Object.keys(result.error.fields ?? {});
      console.log(`${result.id ?? '(sem id)'}: ${result.outcome} ${result.error.error}${fields.length ? ` [${fields.join(', ')}]` : ''}`);
    }
  }
  console.log(`Total: ${Object.entries(counts).map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'nenhum envio'}.`);
} finally {
  await storage.close();
}
process.exitCode = failures ? 1 : 0;
