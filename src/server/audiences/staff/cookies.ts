/** The staff API's cookies: the session (`gestao`, `__Host-gestao` over TLS) and the known device. */
import type { FastifyReply, FastifyRequest } from 'fastify';

function cookieValue(request: FastifyRequest, wanted: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return rest.join('=');
  }
  return undefined;
}

const COOKIE = 'gestao';
const SECURE_COOKIE = '__Host-gestao';

/**
 * The session cookie under the one name this protocol uses. Over TLS only `__Host-gestao` counts: the
 * browser lets no other origin (a sibling subdomain, a plain-HTTP page) set that name, whereas anyone of
 * them could plant a `gestao` cookie and sign the person in to a session of their choosing.
 */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  return cookieValue(request, request.protocol === 'https' ? SECURE_COOKIE : COOKIE);
}

/**
 * The session cookie: HttpOnly, SameSite=Strict, path /. Over TLS it is `__Host-gestao` and Secure (the
 * prefix requires it); over plain HTTP (a developer's machine, tests) it is `gestao` without Secure.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string | null, maxAgeSeconds = 12 * 3600): void {
  const secure = request.protocol === 'https';
  const name = secure ? SECURE_COOKIE : COOKIE;
  const value = token ?? '';
  const age = token ? maxAgeSeconds : 0;
  reply.header('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${age}${secure ? '; Secure' : ''}`);
}

/**
 * The known-device cookie: a long-lived random token set at a full sign-in (stored hashed per account), so
 * the owner's own browser passes the sign-in throttle and a lock-out. Sent only to the staff API.
 */
const DEVICE_COOKIE = 'gestao-aparelho';
const DEVICE_MAX_AGE = 400 * 24 * 3600;

export function readDeviceCookie(request: FastifyRequest): string | undefined {
  return cookieValue(request, DEVICE_COOKIE) || undefined;
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https';
  reply.header('set-cookie', `${DEVICE_COOKIE}=${token}; Path=/api/gestao; HttpOnly; SameSite=Strict; Max-Age=${DEVICE_MAX_AGE}${secure ? '; Secure' : ''}`);
}
