/**
 * The one way a submission's status moves (the CLI now, the back office later): the new status and its
 * public note go into the history the citizen reads, then every phone following it is told by push.
 */
import type { SubmissionStatus } from '../../shared/contract/status.ts';
import { notifyStatusChange, type PushOptions } from './push.ts';
import { setSubmissionStatus } from '../storage/submission-store.ts';
import type { Storage } from '../storage/types.ts';

export async function changeStatus(
  storage: Storage, id: string, status: SubmissionStatus, note: string | undefined, push: PushOptions, { accountId, at = new Date() }: { accountId?: string; at?: Date } = {},
): Promise<boolean> {
  if (!(await setSubmissionStatus(storage, id, status, note, at, accountId))) return false;
  await notifyStatusChange(storage, id, push).catch(() => undefined);
  return true;
}

/**
 * Push notices for a change already committed, sent without holding up the staff's answer: a push service
 * that never answers costs the request nothing. A failure is logged by its name and code alone.
 */
export function notifyInBackground(storage: Storage, id: string, push: PushOptions, onError: (error: unknown) => void): void {
  void notifyStatusChange(storage, id, push).catch(onError);
}
