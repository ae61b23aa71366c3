/**
 * A TCP pass-through on loopback that counts every byte in both directions: HTTP headers, compressed
 * bodies, 304s, whoever made the request (page, worker, service worker, the sync engine). What it
 * counts is what a phone's radio would carry, minus TLS.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Bytes sent to the server and received from it since the last reset. */
  sent: number;
  received: number;
  reset(): void;
  /** Resolves once no byte has crossed for quietMs (the page has finished its work). */
  quiet(quietMs: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let lastByteAt = performance.now();
  const proxy: CountingProxy = {
    url: '',
    sent: 0,
    received: 0,
    reset() {
      proxy.sent = 0;
      proxy.received = 0;
    },
    async quiet(quietMs, timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() - lastByteAt < quietMs) {
        if (performance.now() > deadline) throw new Error(`Traffic did not stop within ${timeoutMs} ms.`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      proxy.sent += chunk.length;
      lastByteAt = performance.now();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      proxy.received += chunk.length;
      lastByteAt = performance.now();
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return proxy;
}
