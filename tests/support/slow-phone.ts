/**
 * The phone the app must work on, as found in the field: slow 3G (400 ms round trip, 50 KB/s down; Chrome
 * DevTools' "Slow 3G") through a pacing proxy that every request crosses, and a CPU 4× slower.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { startPacingProxy, type PacingProxy } from './pacing-proxy.ts';

export const SLOW_3G = { roundTripMs: 400, downBytesPerSecond: 50_000 } as const;

export const SLOW_CPU_RATE = 4;

/** A slow-3G line to `target`: open the app at the returned proxy's URL. */
export function startSlow3gLine(target: string): Promise<PacingProxy> {
  return startPacingProxy({ target, ...SLOW_3G });
}

/** Slows the page's CPU (CDP Emulation.setCPUThrottlingRate); returns the session for more CDP calls. */
export async function slowDownCpu(context: BrowserContext, page: Page, rate: number = SLOW_CPU_RATE): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}
