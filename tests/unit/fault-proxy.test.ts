import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

describe('fault proxy', () => {
  let upstream: Server;
  let target: string;
  let served = 0;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok ${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  async function run(proxy: FaultProxy, count: number) {
    const outcomes: string[] = [];
    for (let i = 0; i < count; i++) {
      try {
        const res = await fetch(`${proxy.url}/x/${i}`, { signal: AbortSignal.timeout(2000) });
        outcomes.push(String(res.status));
      } catch {
        outcomes.push('error');
      }
    }
    return outcomes;
  }

  it('the same seed gives the same random sequence', () => {
    const a = seededRandom(42), b = seededRandom(42), c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('passes requests through when calm', async () => {
    const proxy = await startFaultProxy({ target, seed: 1, latencyMs: [0, 0] });
    proxy.calm();
    const res = await fetch(`${proxy.url}/hello`);
    expect(await res.text()).toBe('ok GET /hello');
    await proxy.close();
  });

  it('loses a response after the server has answered, and answers 5xx without reaching it', async () => {
    const proxy = await startFaultProxy({ target, seed: 7, latencyMs: [0, 0], weights: { refuse: 0, cut_request: 0, stall: 0, status_500: 0, status_502: 0, status_503: 0.5, lose_response: 0.5 } });
    const before = served;
    const outcomes = await run(proxy, 40);
    expect(outcomes.every((o) => o === '503' || o === 'error' || o === '200')).toBe(true);
    expect(proxy.counts.lose_response).toBeGreaterThan(0);
    expect(proxy.counts.status_503).toBeGreaterThan(0);
    // Every lost response and every success reached the server; no 503 did.
    expect(served - before).toBe(proxy.counts.lose_response + proxy.counts.none);
    expect(outcomes.filter((o) => o === 'error').length).toBe(proxy.counts.lose_response);
    await proxy.close();
  });

  it('refused and cut requests never reach the server', async () => {
    const proxy = await startFaultProxy({ target, seed: 3, latencyMs: [0, 0], weights: { refuse: 0.5, cut_request: 0.5, lose_response: 0, stall: 0, status_500: 0, status_502: 0, status_503: 0 } });
    const before = served;
    const outcomes = await run(proxy, 20);
    expect(outcomes.every((o) => o === 'error')).toBe(true);
    expect(served).toBe(before);
    await proxy.close();
  });

  it('answers 502 while the server is down', async () => {
    const proxy = await startFaultProxy({ target: 'http://127.0.0.1:1', seed: 1, latencyMs: [0, 0] });
    proxy.calm();
    expect((await fetch(`${proxy.url}/x`)).status).toBe(502);
    expect(proxy.counts.upstream_down).toBe(1);
    expect(proxy.counts.none).toBe(0);
    await proxy.close();
  });
});
