/**
 * The staff API under /api/gestao. Its hooks run for every route registered inside this plugin, and a
 * route cannot be registered without saying who may call it (`config.access`), so a staff route added
 * later cannot skip authentication, the second factor, the CSRF check or the permission matrix:
 *   onRequest  — the session from the cookie (server-side row, idle and absolute limits);
 *   preHandler — `public` routes pass; otherwise a session is required (401), a second factor where the
 *                role needs one (401), for state-changing methods an Origin of this site and the session's
 *                CSRF token (403), and the route's permission from permissions.ts (403).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLES_NEEDING_TOTP, type Permission } from '../../shared/contract/staff.ts';
import { HttpError, MESSAGES, apiError } from '../api-errors.ts';
import { clientKey } from '../client-address.ts';
import type { CharterCache } from '../current-charter.ts';
import type { Deadlines } from '../due-dates.ts';
import type { PushOptions } from '../push.ts';
import type { Storage } from '../storage/types.ts';
import { readSession, sameToken, type AccountRow, type Session } from './accounts.ts';
import { can } from './permissions.ts';
import { accountRoutes } from './account-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { queueRoutes } from './queue-routes.ts';
import { integrityRoutes } from './integrity-routes.ts';
import { radarRoutes } from './radar-routes.ts';
import type { IntegrityKeys } from '../integrity/crypto.ts';

/**
 * public: anyone (sign-in, password reset) · pending: a session, even before its second factor (typing or
 * enrolling it) · signed_in: a full session · a Permission: a full session whose roles grant it.
 */
export type Access = 'public' | 'pending' | 'signed_in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    staff?: { account: AccountRow; session: Session };
  }
}

export interface StaffRouteInfo {
  method: string;
  url: string;
  access: Access;
}

export interface StaffApiOptions {
  storage: Storage;
  charters: CharterCache;
  push: PushOptions;
  deadlines: Deadlines;
  integrityKeys: IntegrityKeys;
  /** Sign-in attempts per client address per minute. */
  loginRateLimit?: number;
  /** Told of every route registered (the permission test reads them). */
  onRoute?: (route: StaffRouteInfo) => void;
}

const COOKIE = 'gestao';
const SECURE_COOKIE = '__Host-gestao';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The session cookie under the one name this protocol uses. Over TLS only `__Host-gestao` counts: the
 * browser lets no other origin (a sibling subdomain, a plain-HTTP page) set that name, whereas anyone of
 * them could plant a `gestao` cookie and sign the person in to a session of their choosing.
 */
function readCookie(request: FastifyRequest): string | undefined {
  const wanted = request.protocol === 'https' ? SECURE_COOKIE : COOKIE;
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return rest.join('=');
  }
  return undefined;
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
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === DEVICE_COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https';
  reply.header('set-cookie', `${DEVICE_COOKIE}=${token}; Path=/api/gestao; HttpOnly; SameSite=Strict; Max-Age=${DEVICE_MAX_AGE}${secure ? '; Secure' : ''}`);
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

const unauthenticated = () => new HttpError(401, apiError('unauthenticated', 'Entre com o seu e-mail e senha para continuar.'));

export async function staffApi(app: FastifyInstance, options: StaffApiOptions): Promise<void> {
  const { storage } = options;
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`Staff route ${String(route.method)} ${route.url} does not say who may call it (config.access).`);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      options.onRoute?.({ method: String(method), url: route.url, access });
    }
  });

  await app.register(rateLimit, {
    max: 600,
    timeWindow: '1 minute',
    keyGenerator: (request) => clientKey(request.ip),
    errorResponseBuilder: () => new HttpError(429, apiError('rate_limited', MESSAGES.rateLimited)),
  });

  app.addHook('onRequest', async (request) => {
    const token = readCookie(request);
    if (!token) return;
    const found = await readSession(storage, token);
    if (found) request.staff = found;
  });

  // Before the body is read: a caller who may not call the route does not get a 20 MB charter parsed first.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const access = request.routeOptions.config.access!;
    // State-changing requests come from this site's own pages, sign-in included.
    if (WRITES.has(request.method) && !sameOrigin(request)) {
      throw new HttpError(403, apiError('bad_origin', 'Pedido recusado: ele não veio das páginas da gestão.'));
    }
    if (access === 'public') return payload;
    const staff = request.staff;
    if (!staff) throw unauthenticated();
    const needsSecondFactor = staff.account.roles.some((role) => ROLES_NEEDING_TOTP.includes(role)) || staff.account.totpEnabled;
    if (access !== 'pending' && needsSecondFactor && !staff.session.secondFactor) {
      throw new HttpError(401, apiError('second_factor_required', 'Digite o código do aplicativo autenticador para continuar.'));
    }
    if (WRITES.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, staff.session.csrfToken)) {
        throw new HttpError(403, apiError('bad_csrf', 'A página ficou desatualizada. Recarregue e tente de novo.'));
      }
    }
    if (access !== 'pending' && access !== 'signed_in' && !can(staff.account, access)) {
      throw new HttpError(403, apiError('forbidden', 'O seu perfil não permite esta ação.'));
    }
    return payload;
  });

  authRoutes(app, { storage, loginRateLimit: options.loginRateLimit ?? 10 });
  accountRoutes(app, { storage, charters: options.charters });
  queueRoutes(app, { storage, charters: options.charters, push: options.push, flagOf: options.deadlines.flagOf, refreshDueDate: options.deadlines.refreshDueDate });
  integrityRoutes(app, { storage, charters: options.charters, keys: options.integrityKeys });
  radarRoutes(app, { storage, charters: options.charters });
}
