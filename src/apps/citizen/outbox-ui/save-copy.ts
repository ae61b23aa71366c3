/**
 * "Salvar cópia": downloads the unsent records and their photos as one file. A denúncia of the integrity
 * channel is never in it (sync/outbox/export.ts): `leftOut` counts them so the page can say so.
 */
import { getOutboxDb } from '../../../sync/outbox/db.ts';
import { buildOutboxExport, exportFileName } from '../../../sync/outbox/export.ts';
import { countUnsentIntegrity } from '../../../sync/outbox/integrity.ts';

export async function saveOutboxCopy(): Promise<{ saved: number; leftOut: number }> {
  const leftOut = await countUnsentIntegrity(getOutboxDb());
  const file = await buildOutboxExport(getOutboxDb());
  const url = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName();
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { saved: file.submissions.length, leftOut };
}
