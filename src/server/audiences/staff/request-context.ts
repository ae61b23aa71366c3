/**
 * What a staff request carries past the guard (plugin.ts): `request.staff`, the session row and its account
 * read once from the cookie, and `request.actor`, who acts, for the permission matrix and the audit log.
 * A route past `public` always has a session (the guard answered 401 otherwise), so `request.actor` is not
 * optional; read without a session it answers 401 as the guard would.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, apiError } from '../../http/api-errors.ts';
import type { StaffActor } from '../../domain/request-visibility.ts';
import type { AccountRow, Session } from '../../storage/accounts.ts';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: { account: AccountRow; session: Session };
    readonly actor: StaffActor;
  }
}

export const unauthenticated = () => new HttpError(401, apiError('unauthenticated', 'Entre com o seu e-mail e senha para continuar.'));

export function decorateStaffRequest(app: FastifyInstance): void {
  app.decorateRequest('actor', {
    getter(this: FastifyRequest): StaffActor {
      const staff = this.staff;
      if (!staff) throw unauthenticated();
      return { account: staff.account, accountId: staff.account.id, sessionId: staff.session.id };
    },
  });
}
