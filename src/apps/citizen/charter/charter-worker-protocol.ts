import type { RefreshOutcome } from './charter-cache.ts';
import type { StoredCharter } from './charter-db.ts';

export type CharterWorkerRequest = { type: 'load' } | { type: 'refresh' };

export type CharterWorkerReply =
  | { type: 'stored'; stored: StoredCharter | undefined; error?: string }
  | { type: 'refreshed'; outcome: RefreshOutcome };
