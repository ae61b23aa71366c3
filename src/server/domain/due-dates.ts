/**
 * Deadlines in the work queue: a request's due date from its service's promised time (charter), counted
 * in business days that skip weekends and the national, Bahia and municipal holidays, with the clock
 * paused while the request waits for the citizen. Stored on the submission (due_at) so that lists sort and
 * filter by it; recomputed whenever the clock pauses or resumes.
 */
import type { Charter, Service } from '../../shared/contract/charter.ts';
import type { SubmissionKind } from '../../shared/contract/forms.ts';
import type { SubmissionStatus } from '../../shared/contract/status.ts';

const MANIFESTATION_WARNING_MS = 5 * 86_400_000;
import { deadlineFlag, dueDate } from '../../shared/deadlines.ts';
import type { RequestDeadlineFlag } from '../../shared/contract/staff.ts';
import type { CharterCache, CurrentCharter } from './current-charter.ts';
import { holidayCalendarFor } from './holidays.ts';
import { pausesOf } from '../storage/queue-store.ts';
import type { Queryable, Storage } from '../storage/types.ts';

export interface Deadlines {
  /** The due date of a request received now (no pauses yet). */
  dueDate(service: Service, receivedAt: Date, charter: Charter): Date;
  /**
   * After a question or a reply: the due date with every pause counted. `within` runs it inside a caller's
   * transaction, with the charter read before it began (only the transaction's handle may be used there).
   */
  refreshDueDate(id: string, within?: { db: Queryable; current: CurrentCharter | null }): Promise<void>;
  /**
   * A row's deadline flag, with the holidays of the charter the caller already read for its whole answer
   * (`current`): no query here, so a list or an export costs the same queries whatever its rows.
   */
  flagOf(row: { status: SubmissionStatus; dueAt: Date | null; closedAt: Date | null; kind?: SubmissionKind }, now: Date, current: CurrentCharter | null): RequestDeadlineFlag | null;
}

/** No charter installed yet: only overdue/on time are told, without holidays. */
const NO_HOLIDAYS = { isHoliday: () => false };

export function deadlinesFor(storage: Storage, charters: CharterCache): Deadlines {
  return {
    dueDate(service, receivedAt, charter) {
      return new Date(dueDate({ receivedAt, deadline: service.deadline, calendar: holidayCalendarFor(charter) }).dueAt);
    },
    async refreshDueDate(id, within) {
      const db = within?.db ?? storage;
      const current = within ? within.current : await charters.current();
      if (!current) return;
      const row = (await db.query<{ service_id: string; received_at: Date; kind: string; extended: boolean }>('SELECT service_id, received_at, kind, extended FROM submissions WHERE id = $1', [id])).rows[0];
      const service = row && current.services.get(row.service_id);
      if (!row || !service || row.kind === 'evaluation') return;
      const pauses = await pausesOf(db, id);
      const due = dueDate({ receivedAt: row.received_at, deadline: service.deadline, calendar: holidayCalendarFor(current.charter), pauses });
      // A manifestação extended once (art. 16) keeps its 30 extra days.
      const dueAt = new Date(Date.parse(due.dueAt) + (row.extended ? 30 * 86_400_000 : 0));
      await db.query('UPDATE submissions SET due_at = $2 WHERE id = $1', [id, dueAt]);
    },
    flagOf({ status, dueAt, closedAt, kind }, now, current) {
      if (!dueAt) return null;
      if (status === 'waiting_citizen' && !closedAt) return 'paused';
      // A manifestação's 30 days (art. 16) are flagged when 5 days or fewer are left.
      if (kind === 'manifestation' && !closedAt && dueAt > now && dueAt.getTime() - now.getTime() <= MANIFESTATION_WARNING_MS) return 'due_soon';
      // The calendar is built once per charter version (holidayCalendarFor keeps one per charter object,
      // and CharterCache keeps one charter object per version) and reused for every row.
      const calendar = current ? holidayCalendarFor(current.charter) : NO_HOLIDAYS;
      return deadlineFlag({ dueAt, now, calendar, ...(closedAt ? { doneAt: closedAt } : {}) });
    },
  };
}
