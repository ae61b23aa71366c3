/**
 * fetch as the devices see it, counted: answers by status, network failures, aborted requests, and any
 * request that stayed open well past the engine's timeout (the engine must abort a stalled connection;
 * a device whose drain waits on a dead socket sends nothing else meanwhile).
 */
export interface FetchCounts {
  requests: number;
  byStatus: Record<string, number>;
  networkErrors: number;
  aborted: number;
  /** Requests that settled (or failed) later than the allowed time: a stall the engine did not abort. */
  overdue: number;
  slowestMs: number;
  /** Outcomes of the items in POST /api/sync answers; 'duplicate' is a retry of something already stored. */
  syncOutcomes: Record<string, number>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** How long the engine lets a request with this body run (its own rule), plus slack for a busy machine. */
export type Allowance = (init: RequestInit | undefined) => number;

export function observedFetch(counts: FetchCounts, allowedMs: Allowance): FetchLike {
  return async (input, init) => {
    const overdueAfterMs = allowedMs(init);
    counts.requests++;
    const started = performance.now();
    const settle = () => {
      const ms = performance.now() - started;
      counts.slowestMs = Math.max(counts.slowestMs, Math.round(ms));
      if (ms > overdueAfterMs) counts.overdue++;
    };
    try {
      const response = await fetch(input, init);
      settle();
      counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
      if (response.ok && input.endsWith('/api/sync')) countOutcomes(counts, response.clone());
      return response;
    } catch (error) {
      settle();
      if (init?.signal?.aborted) counts.aborted++;
      else counts.networkErrors++;
      throw error;
    }
  };
}

function countOutcomes(counts: FetchCounts, response: Response): void {
  response.json().then((body: unknown) => {
    for (const { outcome = '?' } of (body as { results?: { outcome?: string }[] }).results ?? []) counts.syncOutcomes[outcome] = (counts.syncOutcomes[outcome] ?? 0) + 1;
  }, () => undefined);
}

export function emptyFetchCounts(): FetchCounts {
  return { requests: 0, byStatus: {}, networkErrors: 0, aborted: 0, overdue: 0, slowestMs: 0, syncOutcomes: {} };
}
