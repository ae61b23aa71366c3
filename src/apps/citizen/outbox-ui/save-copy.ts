/** "Salvar cópia": downloads the unsent records and their photos as one file. */
import { getOutboxDb } from '../../../sync/db.ts';
import { buildOutboxExport, exportFileName } from '../../../sync/export.ts';

export async function saveOutboxCopy(): Promise<number> {
  const file = await buildOutboxExport(getOutboxDb());
  const url = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName();
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return file.submissions.length;
}
