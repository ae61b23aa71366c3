/**
 * The page's side of search: queries go to the charter worker, which holds the index (see
 * charter-worker.ts), and come back as the entries that match, in order. Nothing is built or scanned
 * on the main thread, so typing stays smooth however large the charter is.
 */
import type { Charter, ExternalService, Service } from '../../../shared/contract/charter.ts';
import { serviceById } from '../charter/lookup.ts';
import { onSearchReply, sendToCharterWorker } from '../charter/charter-store.ts';
import type { SearchResultRef } from '../charter/charter-worker-protocol.ts';

export type SearchResult = { kind: 'service'; service: Service } | { kind: 'external'; external: ExternalService };

let nextId = 1;
const waiting = new Map<number, (hits: SearchResultRef[]) => void>();
let listening = false;

function ask(query: string, limit: number): Promise<SearchResultRef[]> {
  if (!listening) {
    listening = true;
    onSearchReply((reply) => {
      waiting.get(reply.id)?.(reply.hits);
      waiting.delete(reply.id);
    });
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    sendToCharterWorker({ type: 'search', id, query, limit });
  });
}

/** Has the worker build the index now, while the person is still typing the first query. */
export function prepareSearch(): void {
  void ask('', 0);
}

/** The charter entries matching the query, best first, as objects of the page's own charter. */
export async function searchInWorker(charter: Charter, query: string, limit: number): Promise<SearchResult[]> {
  const refs = await ask(query, limit);
  const results: SearchResult[] = [];
  for (const ref of refs) {
    // Worker and page hold the same version, so the position finds the entry; should the worker answer
    // for the version before an update the page already shows, the id decides, and what is gone is skipped.
    if (ref.kind === 'service') {
      const atPosition = charter.services[ref.position];
      const service = atPosition?.id === ref.id ? atPosition : serviceById(charter, ref.id);
      if (service) results.push({ kind: 'service', service });
    } else {
      const atPosition = charter.externalServices?.[ref.position];
      const external = atPosition?.id === ref.id ? atPosition : charter.externalServices?.find((item) => item.id === ref.id);
      if (external) results.push({ kind: 'external', external });
    }
  }
  return results;
}
