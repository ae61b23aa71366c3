/**
 * The outbox as pages see it: each hook is a query of sync/outbox/queries.ts kept current as this or another
 * tab, or the service worker, writes. Undefined while the first read is under way.
 */
import { getOutboxDb, type Draft, type OutboxRecord } from '../../../sync/outbox/db.ts';
import {
  countNews, countUnsent, findRecord, keptReceipts, listDrafts, listRequests, pendingMessages, repliesTo,
} from '../../../sync/outbox/queries.ts';
import { useLiveQuery } from './use-live-query.ts';

export const useRequests = (): OutboxRecord[] | undefined => useLiveQuery(() => listRequests(getOutboxDb()), []);
export const useDrafts = (): Draft[] | undefined => useLiveQuery(() => listDrafts(getOutboxDb()), []);
/** Null once read and not on this phone. */
export const useRecord = (id: string): OutboxRecord | null | undefined => useLiveQuery(() => findRecord(getOutboxDb(), id), [id]);
export const useUnsentCount = (): number | undefined => useLiveQuery(() => countUnsent(getOutboxDb()), []);
export const useNewsCount = (): number | undefined => useLiveQuery(() => countNews(getOutboxDb()), []);
export const useReplies = (requestId: string): OutboxRecord[] | undefined => useLiveQuery(() => repliesTo(getOutboxDb(), requestId), [requestId]);
export const useKeptReceipts = (): OutboxRecord[] | undefined => useLiveQuery(() => keptReceipts(getOutboxDb()), []);
export const usePendingMessages = (receipt: string): OutboxRecord[] | undefined => useLiveQuery(() => pendingMessages(getOutboxDb(), receipt), [receipt]);
