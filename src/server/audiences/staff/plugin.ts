/**
 * The staff API under /api/gestao. Its hooks run for every route registered inside this plugin, and a
 * route cannot be registered without saying who may call it (`config.access`), so a staff route added
 * later cannot skip authentication, the second factor, the CSRF check or the permission matrix:
 *   onRequest  — the session from the cookie (server-side row, idle and absolute limits);
 *   preHandler — `public` routes pass; otherwise a session is required (401), a second factor where the
 *                role needs one (401), for state-changing methods an Origin of this site and the session's
 *                CSRF token (403), and the route's permission from permissions.ts (403).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES_NEEDING_TOTP, type Permission } from '../../../shared/contract/staff.ts';
import { HttpError, apiError } from '../../http/api-errors.ts';
import { limitRequestsPerClient } from '../../http/rate-limit.ts';
import type { CharterCache } from '../../domain/current-charter.ts';
import type { Deadlines } from '../../domain/deadlines.ts';
import type { PushOptions } from '../../domain/push.ts';
import type { Storage } from '../../storage/types.ts';
import { readSession, sameToken } from '../../storage/accounts.ts';
import { can } from '../../domain/permissions.ts';
import { readSessionCookie } from './cookies.ts';
import { decorateStaffRequest, unauthenticated } from './request-context.ts';
import { accountRoutes } from './account-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { queueRoutes } from './queue-routes.ts';
import { integrityRoutes } from './integrity-routes.ts';
import { radarRoutes } from './radar-routes.ts';
import type { IntegrityKeys } from '../../domain/integrity/crypto.ts';

/**
 * public: anyone (sign-in, password reset) · pending: a session, even before its second factor (typing or
 * enrolling it) · signed_in: a full session · a Permission: a full session whose roles grant it.
 */
export type Access = 'public' | 'pending' | 'signed_in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
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

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}


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

  await limitRequestsPerClient(app, { max: 600, timeWindow: '1 minute' });

  decorateStaffRequest(app);
  app.addHook('onRequest', async (request) => {
    const token = readSessionCookie(request);
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
