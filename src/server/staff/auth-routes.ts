/** Signing in and out, the second factor (TOTP, RFC 6238) and password reset links. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { parseContract } from '../../shared/schemas.ts';
import { LoginRequestSchema, PasswordResetRequestSchema, ROLES_NEEDING_TOTP, TotpRequestSchema, type SessionResponse } from '../../shared/staff.ts';
import { HttpError, apiError } from '../api-errors.ts';
import type { Storage } from '../storage/types.ts';
import {
  checkPassword, createSession, endSession, findAccountById, markSecondFactor, publicAccount, setTotpSecret, useResetToken, type AccountRow, type Session,
} from './accounts.ts';
import { audit } from './audit.ts';
import { permissionsOf } from './permissions.ts';
import { setSessionCookie } from './plugin.ts';

const ISSUER = 'Conecta Conquista (gestão)';

function totpFor(account: AccountRow, secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label: account.email, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

function needsSecondFactor(account: AccountRow): boolean {
  return account.totpEnabled || account.roles.some((role) => ROLES_NEEDING_TOTP.includes(role));
}

export function sessionResponse(account: AccountRow, session: Session): SessionResponse {
  const pending = needsSecondFactor(account) && !session.secondFactor;
  if (pending) return { stage: account.totpEnabled ? 'totp' : 'enrol', csrfToken: session.csrfToken };
  return { stage: 'signed_in', csrfToken: session.csrfToken, account: publicAccount(account), permissions: permissionsOf(account) };
}

function parsed<T>(result: { ok: true; value: T } | { ok: false; fields: Record<string, string> }): T {
  if (!result.ok) throw new HttpError(422, apiError('invalid_request', 'Confira os dados informados.', result.fields));
  return result.value;
}

const who = (request: FastifyRequest) => ({ accountId: request.staff?.account.id ?? null, sessionId: request.staff?.session.id ?? null });

export function authRoutes(app: FastifyInstance, { storage, loginRateLimit }: { storage: Storage; loginRateLimit: number }): void {
  const loginLimit = { rateLimit: { max: loginRateLimit, timeWindow: '1 minute' } };

  app.post('/session', { config: { access: 'public', ...loginLimit } }, async (request, reply) => {
    const { email, password } = parsed(parseContract(LoginRequestSchema, request.body));
    const check = await checkPassword(storage, email, password);
    if (!check.ok) {
      await audit(storage, { accountId: null, sessionId: null }, check.locked ? 'login_locked' : 'login_failed');
      // The same words whether the e-mail has an account or not.
      throw check.locked
        ? new HttpError(429, apiError('locked', 'Muitas tentativas erradas. Espere 15 minutos e tente de novo.'))
        : new HttpError(401, apiError('bad_credentials', 'E-mail ou senha incorretos.'));
    }
    // A new session id at every sign-in: a session fixed before sign-in is worth nothing after it.
    if (request.staff) await endSession(storage, request.staff.session.id);
    const { token, session } = await createSession(storage, check.account.id, false);
    setSessionCookie(request, reply, token);
    await audit(storage, { accountId: check.account.id, sessionId: session.id }, 'login');
    return sessionResponse(check.account, session);
  });

  app.get('/session', { config: { access: 'pending' } }, async (request) => sessionResponse(request.staff!.account, request.staff!.session));

  app.delete('/session', { config: { access: 'pending' } }, async (request, reply) => {
    await endSession(storage, request.staff!.session.id);
    await audit(storage, who(request), 'logout');
    setSessionCookie(request, reply, null);
    return reply.code(204).send();
  });

  app.post('/session/totp', { config: { access: 'pending', ...loginLimit } }, async (request) => {
    const { code } = parsed(parseContract(TotpRequestSchema, request.body));
    const { account, session } = request.staff!;
    if (!account.totpEnabled || !account.totpSecret || totpFor(account, account.totpSecret).validate({ token: code, window: 1 }) === null) {
      await audit(storage, who(request), 'totp_failed');
      throw new HttpError(401, apiError('bad_code', 'Código incorreto ou vencido. Use o código que aparece agora no aplicativo.'));
    }
    await markSecondFactor(storage, session.id);
    await audit(storage, who(request), 'login_totp');
    return sessionResponse(account, { ...session, secondFactor: true });
  });

  // Setting up the second factor: a new secret, shown as a QR code, kept unconfirmed until a code matches.
  app.post('/totp/enrolment', { config: { access: 'pending' } }, async (request) => {
    const { account } = request.staff!;
    if (account.totpEnabled) throw new HttpError(409, apiError('already_enrolled', 'O segundo fator já está ativo nesta conta.'));
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await setTotpSecret(storage, account.id, secret, false);
    const otpauthUri = totpFor(account, secret).toString();
    return { otpauthUri, qrSvg: await QRCode.toString(otpauthUri, { type: 'svg', margin: 1 }), secret };
  });

  app.post('/totp/enrolment/confirm', { config: { access: 'pending', ...loginLimit } }, async (request) => {
    const { code } = parsed(parseContract(TotpRequestSchema, request.body));
    const { session } = request.staff!;
    const account = (await findAccountById(storage, request.staff!.account.id))!;
    if (account.totpEnabled || !account.totpSecret || totpFor(account, account.totpSecret).validate({ token: code, window: 1 }) === null) {
      throw new HttpError(401, apiError('bad_code', 'Código incorreto. Confira a hora do celular e use o código que aparece agora.'));
    }
    await setTotpSecret(storage, account.id, account.totpSecret, true);
    await markSecondFactor(storage, session.id);
    await audit(storage, who(request), 'totp_enrolled');
    return sessionResponse({ ...account, totpEnabled: true }, { ...session, secondFactor: true });
  });

  app.post('/password', { config: { access: 'public', ...loginLimit } }, async (request) => {
    const { token, password } = parsed(parseContract(PasswordResetRequestSchema, request.body));
    const accountId = await useResetToken(storage, token, password);
    if (!accountId) throw new HttpError(400, apiError('bad_link', 'Este link não vale mais (já usado ou vencido). Peça um novo à administração.'));
    await audit(storage, { accountId, sessionId: null }, 'password_set');
    return { ok: true };
  });
}
