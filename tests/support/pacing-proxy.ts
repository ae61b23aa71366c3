/**
 * A slow line between one browser and the real server: the browser uses the proxy's URL as the app's
 * origin, so everything it fetches, the service worker's own requests included, crosses the line.
 * (Page-level CDP network emulation leaves the service worker's fetches at full speed, so a test using
 * it alone passes while real phones fail.)
 * - Each request waits one round trip before its answer starts; a new connection costs one more (the TCP
 *   handshake; over HTTPS a real phone pays another for TLS).
 * - Response bytes, headers included, are paced through one shared budget of `downBytesPerSecond`, in
 *   small slices served in turn, so parallel downloads share the line as they do on a radio link.
 *   Uploads are not paced (the app's requests are small).
 * - `setOffline(true)` drops every connection and refuses new ones, as with no signal.
 * - `failNext` cuts a chosen request once (or a few times) to test retries.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PacingProxyOptions {
  /** The real server, e.g. http://127.0.0.1:8080. */
  target: string;
  /** Round trip added to every request, in ms. */
  roundTripMs: number;
  /** Download budget shared by all connections, in bytes per second. */
  downBytesPerSecond: number;
}

/** How a chosen request fails: `reset` before any answer, `cut` after half its body, `503` as an overloaded server. */
export type ProxyFault = 'reset' | 'cut' | '503';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Times in ms (Date.now()). */
  startedAt: number;
  endedAt?: number;
  status?: number;
  /** Body bytes as they crossed the line (compressed when the server compressed). */
  bytes: number;
  fault?: ProxyFault;
  /** The browser's Sec-Fetch-Dest: `document`, `script`, `serviceworker`, `worker`, or `empty` for fetch() (the service worker's precache included). */
  dest?: string;
  /** Whether the request carried a Cookie header (the staff cookie must not travel with the integrity channel). */
  cookie: boolean;
}

export interface PacingProxy {
  url: string;
  /** Every request seen, in arrival order. */
  requests: ProxiedRequest[];
  setOffline(offline: boolean): void;
  /** The next `times` requests whose path matches `path` fail with `fault`. */
  failNext(path: RegExp, fault: ProxyFault, times?: number): void;
  close(): Promise<void>;
}

/** Slice size: small enough that concurrent responses interleave finely, as packets do. */
const SLICE_BYTES = 1024;

/** A shared byte budget, refilled continuously; requests for bytes are served first come, first served. */
class Line {
  private available = 0;
  private last = performance.now();
  private readonly waiting: { bytes: number; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bytesPerSecond: number) {}

  take(bytes: number): Promise<void> {
    return new Promise((resolve) => {
      this.refill();
      this.waiting.push({ bytes, resolve });
      this.pump();
    });
  }

  private refill(): void {
    const now = performance.now();
    this.available += ((now - this.last) / 1000) * this.bytesPerSecond;
    this.last = now;
    // An idle line saves up no more than one slice. A busy one keeps what a late timer owes it, so a
    // loaded test machine does not make the line slower than its rate.
    if (this.waiting.length === 0) this.available = Math.min(this.available, SLICE_BYTES);
  }

  private pump(): void {
    this.refill();
    while (this.waiting.length > 0 && this.available >= this.waiting[0]!.bytes) {
      const next = this.waiting.shift()!;
      this.available -= next.bytes;
      next.resolve();
    }
    if (this.waiting.length > 0 && !this.timer) {
      const wait = ((this.waiting[0]!.bytes - this.available) / this.bytesPerSecond) * 1000;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.max(1, Math.ceil(wait)));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

export async function startPacingProxy(options: PacingProxyOptions): Promise<PacingProxy> {
  const target = new URL(options.target);
  const line = new Line(options.downBytesPerSecond);
  const upstreamAgent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  /** Sockets that have not carried a request yet: their first one pays for the handshake. */
  const fresh = new WeakSet<Socket>();
  const faults: { path: RegExp; fault: ProxyFault; left: number }[] = [];
  const requests: ProxiedRequest[] = [];
  let offline = false;

  const pickFault = (path: string): ProxyFault | undefined => {
    const found = faults.find((f) => f.left > 0 && f.path.test(path));
    if (!found) return undefined;
    found.left--;
    return found.fault;
  };

  /** Writes through the shared line, slice by slice; resolves false if the connection went away. */
  const send = async (res: ServerResponse, data: Buffer, record: ProxiedRequest): Promise<boolean> => {
    for (let offset = 0; offset < data.length; offset += SLICE_BYTES) {
      const slice = data.subarray(offset, offset + SLICE_BYTES);
      await line.take(slice.length);
      if (res.destroyed) return false;
      record.bytes += slice.length;
      if (!res.write(slice)) await new Promise((resolve) => res.once('drain', resolve));
    }
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const record: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', startedAt: Date.now(), bytes: 0, dest: req.headers['sec-fetch-dest'] as string | undefined, cookie: req.headers.cookie !== undefined };
    requests.push(record);
    const roundTrips = fresh.has(socket) ? 2 : 1;
    fresh.delete(socket);
    await sleep(roundTrips * options.roundTripMs);
    if (offline) return void socket.destroy();

    const fault = pickFault(record.path);
    record.fault = fault;
    if (fault === 'reset') return void socket.destroy();
    if (fault === '503') {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('proxy fault');
      record.status = 503;
      record.endedAt = Date.now();
      return;
    }

    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: upstreamAgent });
    req.pipe(upstream);
    let answer: IncomingMessage;
    try {
      answer = await new Promise<IncomingMessage>((resolve, reject) => {
        upstream.on('response', resolve);
        upstream.on('error', reject);
      });
    } catch {
      return void socket.destroy();
    }
    const body: Buffer[] = [];
    for await (const chunk of answer) body.push(chunk as Buffer);
    const bytes = Buffer.concat(body);
    const out = { ...answer.headers };
    for (const name of HOP_BY_HOP) delete out[name];
    if (answer.statusCode !== 304 && req.method !== 'HEAD') out['content-length'] = String(bytes.length);
    record.status = answer.statusCode;

    // The status line and headers cross the line too.
    const headerBytes = Object.entries(out).reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 20);
    await line.take(Math.min(headerBytes, SLICE_BYTES));
    if (res.destroyed) return;
    res.writeHead(answer.statusCode ?? 502, out);
    const toSend = fault === 'cut' ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes;
    const whole = await send(res, toSend, record);
    if (fault === 'cut' || !whole) return void socket.destroy();
    res.end();
    record.endedAt = Date.now();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    if (offline) return void socket.destroy();
    sockets.add(socket);
    fresh.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setOffline(value) {
      offline = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    failNext(path, fault, times = 1) {
      faults.push({ path, fault, left: times });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      upstreamAgent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
