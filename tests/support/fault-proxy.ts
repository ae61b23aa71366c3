/**
 * An HTTP proxy on loopback that stands between devices and the server and breaks things on a seeded
 * schedule: refused connections, requests cut before the server sees them, responses lost after the
 * server committed, 5xx answers, latency and stalled connections. Same seed, same schedule of faults
 * (the order requests arrive in may still differ).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from '../../src/shared/seeded-random.ts';

export type Fault = 'none' | 'refuse' | 'cut_request' | 'lose_response' | 'status_500' | 'status_502' | 'status_503' | 'stall';
/** What happened to a request: its fault, or 502 because the server was down (whatever fault was drawn). */
export type ProxyOutcome = Fault | 'upstream_down';

export interface FaultWeights {
  refuse: number;
  cut_request: number;
  lose_response: number;
  status_500: number;
  status_502: number;
  status_503: number;
  stall: number;
}

export interface FaultProxyOptions {
  /** Where the server listens, e.g. http://127.0.0.1:8080; may change while the proxy runs (server restarts). */
  target: string;
  seed: number;
  /** Probability of each fault per request; the rest pass untouched. */
  weights?: Partial<FaultWeights>;
  /** Added latency range in ms, applied to every request that is not refused. */
  latencyMs?: [number, number];
  /** How long a stalled connection is held before it is closed without an answer. */
  stallMs?: number;
}

export interface FaultProxy {
  url: string;
  counts: Record<ProxyOutcome, number>;
  setTarget(target: string): void;
  /** Pass everything untouched from now on (used to let devices drain at the end of a soak). */
  calm(): void;
  close(): Promise<void>;
}

export { seededRandom };

const DEFAULT_WEIGHTS: FaultWeights = {
  refuse: 0.04, cut_request: 0.04, lose_response: 0.06, status_500: 0.03, status_502: 0.03, status_503: 0.03, stall: 0.02,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const [minLatency, maxLatency] = options.latencyMs ?? [100, 3000];
  const stallMs = options.stallMs ?? 10_000;
  let target = new URL(options.target);
  let calm = false;
  const counts: Record<ProxyOutcome, number> = {
    none: 0, refuse: 0, cut_request: 0, lose_response: 0, status_500: 0, status_502: 0, status_503: 0, stall: 0, upstream_down: 0,
  };
  const sockets = new Set<Socket>();

  const pickFault = (): Fault => {
    if (calm) return 'none';
    let roll = random();
    for (const [fault, weight] of Object.entries(weights) as [Fault, number][]) {
      if (roll < weight) return fault;
      roll -= weight;
    }
    return 'none';
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, connection: 'close' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const fault = pickFault();
    const latency = minLatency + Math.floor(random() * (maxLatency - minLatency + 1));
    counts[fault]++;
    if (fault === 'refuse') return void req.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await sleep(latency);
    if (fault === 'cut_request') return void req.socket.destroy();
    if (fault === 'stall') {
      await sleep(stallMs);
      return void req.socket.destroy();
    }
    if (fault === 'status_500' || fault === 'status_502' || fault === 'status_503') {
      res.writeHead(Number(fault.slice(-3)), { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'proxy_fault', message: 'Falha simulada.' }));
    }
    let answer;
    try {
      answer = await forward(req, Buffer.concat(chunks));
    } catch {
      // The server is down (restarting): what a device sees from a load balancer. Counted as such, so a
      // "lost response" is always one the server really produced.
      counts[fault]--;
      counts.upstream_down++;
      res.writeHead(502, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'bad_gateway', message: 'Servidor indisponível.' }));
    }
    if (fault === 'lose_response') return void req.socket.destroy();
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setTarget(next) { target = new URL(next); },
    calm() { calm = true; },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
