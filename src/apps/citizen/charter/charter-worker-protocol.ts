import type { SearchHit } from '../search/search-index.ts';
import type { RefreshOutcome } from './charter-cache.ts';
import type { StoredCharter } from './charter-db.ts';

/** A search result as it crosses to the page: which entry, found there in the page's own charter. */
export type SearchResultRef = Pick<SearchHit, 'kind' | 'id' | 'position'>;

export type CharterWorkerRequest =
  | { type: 'load' }
  | { type: 'refresh' }
  /** An empty query only builds the index, so that it is ready when the person has typed. */
  | { type: 'search'; id: number; query: string; limit: number };

export type CharterWorkerReply =
  | { type: 'stored'; stored: StoredCharter | undefined; error?: string }
  | { type: 'refreshed'; outcome: RefreshOutcome }
  /** The server confirmed (304) the version the page already has: no need to hand it over again. */
  | { type: 'confirmed'; checkedAt: string }
  | { type: 'searched'; id: number; hits: SearchResultRef[] };
