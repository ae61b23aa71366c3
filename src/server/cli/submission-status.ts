/** `npm run submission:status -- ID STATUS ["note"]`: staff move a submission along its history. */
import { SUBMISSION_STATUSES, type SubmissionStatus } from '../../shared/contract/status.ts';
import { readConfig } from '../config.ts';
import { changeStatus } from '../domain/status-changes.ts';
import { openCliStorage } from './open-cli-storage.ts';

const [id, status, note] = process.argv.slice(2);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!id || !UUID.test(id) || !status || !(SUBMISSION_STATUSES as readonly string[]).includes(status)) {
  console.error(`Uso: npm run submission:status -- UUID STATUS ["nota"]\nSTATUS: ${SUBMISSION_STATUSES.join(', ')}`);
  process.exit(2);
}

const storage = await openCliStorage();
try {
  if (await changeStatus(storage, id.toLowerCase(), status as SubmissionStatus, note, readConfig().push)) {
    console.log(`${id}: ${status}`);
  } else {
    console.error(`Nenhum envio com o identificador ${id}.`);
    process.exitCode = 1;
  }
} finally {
  await storage.close();
}
