/**
 * The transparency panel's data, read the same way by the panel page and by a service page's "prometido ×
 * cumprido" line: GET /api/transparencia (the summary) and /api/transparencia/servicos, each parsed with the
 * contract. Offline, the last copy answers: the service worker keeps one (NetworkFirst, cache
 * "conecta-transparencia"); on a first visit the worker does not control the page yet, so the page puts
 * what it read into that same cache itself, and reads it back when the network fails.
 *
 * Only valibot and the contract: never shared/schemas.ts, so the panel's first screen stays small.
 */
import * as v from 'valibot';
import { PanelServicesSchema, PanelSummarySchema, type PanelServices, type PanelSummary } from '../../../shared/contract/transparency.ts';

export const PANEL_CACHE = 'conecta-transparencia';
export const SUMMARY_URL = '/api/transparencia';
export const SERVICES_URL = '/api/transparencia/servicos';

/** A summary read less than this long ago is reused (a service page after another). */
const REUSE_MS = 60_000;

async function fromCache(url: string): Promise<unknown> {
  if (typeof caches === 'undefined') return null;
  try {
    const cached = await caches.match(url, { cacheName: PANEL_CACHE, ignoreVary: true });
    return cached ? await cached.json() : null;
  } catch {
    return null;
  }
}

async function readJson(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    if (response.ok) {
      if (typeof caches !== 'undefined' && !navigator.serviceWorker?.controller) {
        const copy = response.clone();
        caches.open(PANEL_CACHE).then((cache) => cache.put(url, copy)).catch(() => undefined);
      }
      return await response.json();
    }
  } catch {
    // No signal, or the server did not answer: the last copy below.
  }
  return fromCache(url);
}

function parsed<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, input);
  return result.success ? result.output : null;
}

let summary: { at: number; value: Promise<PanelSummary | null> } | null = null;

/** The panel's summary, or null when neither the network nor a saved copy has it. */
export function loadSummary(options: { fresh?: boolean } = {}): Promise<PanelSummary | null> {
  if (!options.fresh && summary && Date.now() - summary.at < REUSE_MS) return summary.value;
  const value = readJson(SUMMARY_URL).then((json) => parsed(PanelSummarySchema, json));
  summary = { at: Date.now(), value };
  value.then((result) => { if (!result && summary?.value === value) summary = null; }, () => undefined);
  return value;
}

/** Every service's figures (read when someone opens a secretariat), or null. */
export async function loadServices(): Promise<PanelServices | null> {
  return parsed(PanelServicesSchema, await readJson(SERVICES_URL));
}
