/**
 * Limits on connections, so that slow or many clients cannot hold the server: a cap in all and per
 * address, and a cut for a request body that stops making progress (a trickle of a byte a minute keeps a
 * socket "active" forever under a plain idle timeout).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from './client-address.ts';
import type { ConnectionLimits } from '../config.ts';

/** A body must deliver at least this much per stall window (2G manages about 4 KB a second). */
export const MIN_BODY_PROGRESS_BYTES = 1024;

export interface ConnectionGuardOptions extends ConnectionLimits {
  /** Behind a trusted proxy every socket comes from the proxy: the per-address cap would cut everyone. */
  perAddressCap: boolean;
}

export function guardConnections(app: FastifyInstance, options: ConnectionGuardOptions): void {
  const server = app.server as Server;
  server.maxConnections = options.maxConnections;
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // No byte at all for a stall window: the socket is closed (the progress rule below covers trickles).
  server.setTimeout(options.bodyStallMs, (socket: Socket) => socket.destroy());

  if (options.perAddressCap) {
    const open = new Map<string, number>();
    server.on('connection', (socket: Socket) => {
      const key = clientKey(socket.remoteAddress);
      const count = (open.get(key) ?? 0) + 1;
      if (count > options.connectionsPerAddress) {
        socket.destroy();
        return;
      }
      open.set(key, count);
      socket.once('close', () => {
        const left = (open.get(key) ?? 1) - 1;
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      });
    });
  }

  // A request with a body is watched until the body has fully arrived.
  app.addHook('onRequest', async (request) => {
    const raw = request.raw;
    const hasBody = raw.headers['content-length'] !== undefined ? Number(raw.headers['content-length']) > 0 : raw.headers['transfer-encoding'] !== undefined;
    if (!hasBody || raw.complete) return;
    const socket = raw.socket;
    let last = socket.bytesRead;
    const timer = setInterval(() => {
      if (raw.complete || socket.destroyed) {
        clearInterval(timer);
        return;
      }
      const now = socket.bytesRead;
      if (now - last < MIN_BODY_PROGRESS_BYTES) {
        clearInterval(timer);
        socket.destroy();
        return;
      }
      last = now;
    }, options.bodyStallMs);
    timer.unref();
    raw.once('end', () => clearInterval(timer));
    raw.once('close', () => clearInterval(timer));
  });
}

/** Up to this much unread body, a request refused before its body was read has it drained, not cut. */
export const DRAIN_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * For an answer given before the request's body was read (507, 429, 415, 413). A body of a photo's size is
 * left for Node to read and discard: closing at once would reset the connection under a client still
 * writing it, which then sees a broken pipe instead of the answer (and its Retry-After). A bigger or
 * unannounced body closes the connection, so the phone stops sending megabytes for nothing.
 */
export function closeUnlessDrainable(request: FastifyRequest, reply: FastifyReply): void {
  if (request.raw.complete) return;
  const declared = Number(request.headers['content-length']);
  if (!Number.isFinite(declared) || declared > DRAIN_LIMIT_BYTES) reply.header('connection', 'close');
}
