/** Signing in and out, the second factor (TOTP, RFC 6238) and password reset links. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { parseContract } from '../../../shared/contract/parse.ts';
import {
  LoginRequestSchema, PasswordResetRequestSchema, ROLES_NEEDING_TOTP, TotpEnrolmentRequestSchema, TotpRequestSchema, type SessionResponse,
} from '../../../shared/contract/staff.ts';
import { HttpError, apiError, parsed } from '../../http/api-errors.ts';
import { clientKey } from '../../http/client-address.ts';
import type { Storage } from '../../storage/types.ts';
import {
  countSecondFactorFailure, createSession, endSession, findAccountById, markSecondFactor, passwordMatches, publicAccount, setTotpSecret, useResetToken,
  useTotpStep, type AccountRow, type Session,
} from '../../storage/accounts.ts';
import { audit } from '../../domain/audit.ts';
import { isWeakPassword, WEAK_PASSWORD_MESSAGE } from '../../domain/password-policy.ts';
import { permissionsOf } from '../../domain/permissions.ts';
import { readDeviceCookie, setDeviceCookie, setSessionCookie } from './cookies.ts';
import { checkSignIn, rememberSignIn } from '../../domain/sign-in-throttle.ts';

const ISSUER = 'Conecta Conquista (gestão)';

function totpFor(account: AccountRow, secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label: account.email, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** Wrong codes (or wrong passwords at enrolment) a session may send before it ends and the password is due again. */
export const MAX_CODE_FAILURES = 5;

/**
 * The time step of a code the account's secret accepts now (±1 step for a phone's clock), or null. A step is
 * accepted once: useTotpStep refuses any step not later than the last one taken, whichever session sent it.
 */
function codeStep(account: AccountRow, secret: string, code: string, now = Date.now()): number | null {
  const totp = totpFor(account, secret);
  const delta = totp.validate({ token: code, window: 1, timestamp: now });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

function needsSecondFactor(account: AccountRow): boolean {
  return account.totpEnabled || account.roles.some((role) => ROLES_NEEDING_TOTP.includes(role));
}

export function sessionResponse(account: AccountRow, session: Session): SessionResponse {
  const pending = needsSecondFactor(account) && !session.secondFactor;
  if (pending) return { stage: account.totpEnabled ? 'totp' : 'enrol', csrfToken: session.csrfToken };
  return { stage: 'signed_in', csrfToken: session.csrfToken, account: publicAccount(account), permissions: permissionsOf(account) };
}

function signInContext(request: FastifyRequest) {
  return { addressKey: clientKey(request.ip), deviceToken: readDeviceCookie(request) };
}

/** A session that became complete: its address and browser are now known to the account (they pass the throttle). */
async function completed(storage: Storage, request: FastifyRequest, reply: FastifyReply, accountId: string): Promise<void> {
  const deviceToken = await rememberSignIn(storage, accountId, signInContext(request));
  if (deviceToken) setDeviceCookie(request, reply, deviceToken);
}

/** A wrong code or password on the second-factor step: counted per session, which ends at the fifth. */
async function secondFactorFailed(storage: Storage, request: FastifyRequest, reply: FastifyReply, error: HttpError): Promise<never> {
  await audit(storage, request.actor, 'totp_failed');
  const failures = await countSecondFactorFailure(storage, request.actor.sessionId);
  if (failures >= MAX_CODE_FAILURES) {
    await endSession(storage, request.actor.sessionId);
    await audit(storage, request.actor, 'totp_session_ended');
    setSessionCookie(request, reply, null);
    throw new HttpError(401, apiError('too_many_codes', 'Muitos códigos errados. Por segurança, entre de novo com o seu e-mail e senha.'));
  }
  throw error;
}

/** The rate limit of the routes that take a password or a code, per client address. */
type LoginLimit = { rateLimit: { max: number; timeWindow: string } };

export function authRoutes(app: FastifyInstance, { storage, loginRateLimit }: { storage: Storage; loginRateLimit: number }): void {
  const loginLimit: LoginLimit = { rateLimit: { max: loginRateLimit, timeWindow: '1 minute' } };
  sessionRoutes(app, storage, loginLimit);
  secondFactorRoutes(app, storage, loginLimit);
  passwordRoute(app, storage, loginLimit);
}

/** Signing in, reading the session and signing out. */
function sessionRoutes(app: FastifyInstance, storage: Storage, loginLimit: LoginLimit): void {
  app.post('/session', { config: { access: 'public', ...loginLimit } }, async (request, reply) => {
    const { email, password } = parsed(parseContract(LoginRequestSchema, request.body));
    const check = await checkSignIn(storage, email, password, signInContext(request));
    if (!check.ok) {
      await audit(storage, { accountId: null, sessionId: null }, check.reason === 'bad_credentials' ? 'login_failed' : `login_${check.reason}`);
      // The same words whether the e-mail has an account or not.
      if (check.reason === 'bad_credentials') throw new HttpError(401, apiError('bad_credentials', 'E-mail ou senha incorretos.'));
      reply.header('retry-after', String(check.seconds));
      const message = check.reason === 'wait'
        ? `Muitas tentativas erradas deste endereço. Espere ${check.seconds} segundos e tente de novo.`
        : `Muitas tentativas erradas de vários endereços contra esta conta. Entre de um computador que você já usou ou espere ${Math.ceil(check.seconds / 60)} minutos.`;
      throw new HttpError(429, apiError(check.reason, message));
    }
    // A new session id at every sign-in: a session fixed before sign-in is worth nothing after it.
    if (request.staff) await endSession(storage, request.staff.session.id);
    const { token, session } = await createSession(storage, check.account.id, false);
    setSessionCookie(request, reply, token);
    await audit(storage, { accountId: check.account.id, sessionId: session.id }, 'login');
    if (!needsSecondFactor(check.account)) await completed(storage, request, reply, check.account.id);
    return sessionResponse(check.account, session);
  });

  app.get('/session', { config: { access: 'pending' } }, async (request) => sessionResponse(request.actor.account, request.staff!.session));

  app.delete('/session', { config: { access: 'pending' } }, async (request, reply) => {
    await endSession(storage, request.actor.sessionId);
    await audit(storage, request.actor, 'logout');
    setSessionCookie(request, reply, null);
    return reply.code(204).send();
  });
}

/** The second factor: a code at sign-in, and setting it up (enrolment and its confirmation). */
function secondFactorRoutes(app: FastifyInstance, storage: Storage, loginLimit: LoginLimit): void {
  app.post('/session/totp', { config: { access: 'pending', ...loginLimit } }, async (request, reply) => {
    const { code } = parsed(parseContract(TotpRequestSchema, request.body));
    const { account, session } = request.staff!;
    const step = account.totpEnabled && account.totpSecret ? codeStep(account, account.totpSecret, code) : null;
    if (step === null || !await useTotpStep(storage, account.id, step)) {
      return secondFactorFailed(storage, request, reply, new HttpError(401, apiError('bad_code', 'Código incorreto, vencido ou já usado. Use o próximo código que aparecer no aplicativo.')));
    }
    await markSecondFactor(storage, session.id);
    await audit(storage, request.actor, 'login_totp');
    await completed(storage, request, reply, account.id);
    return sessionResponse(account, { ...session, secondFactor: true });
  });

  // Setting up the second factor: the password again (a stolen cookie alone cannot bind its own phone),
  // then a new secret, shown as a QR code, kept unconfirmed until a code matches.
  app.post('/totp/enrolment', { config: { access: 'pending' } }, async (request, reply) => {
    const { password } = parsed(parseContract(TotpEnrolmentRequestSchema, request.body));
    const account = (await findAccountById(storage, request.actor.accountId))!;
    if (account.totpEnabled) throw new HttpError(409, apiError('already_enrolled', 'O segundo fator já está ativo nesta conta.'));
    if (!await passwordMatches(account, password)) {
      return secondFactorFailed(storage, request, reply, new HttpError(401, apiError('bad_password', 'Senha incorreta. Digite a senha com que você entrou.', { password: 'Senha incorreta.' })));
    }
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await setTotpSecret(storage, account.id, secret, false);
    const otpauthUri = totpFor(account, secret).toString();
    return { otpauthUri, qrSvg: await QRCode.toString(otpauthUri, { type: 'svg', margin: 1 }), secret };
  });

  app.post('/totp/enrolment/confirm', { config: { access: 'pending', ...loginLimit } }, async (request, reply) => {
    const { code } = parsed(parseContract(TotpRequestSchema, request.body));
    const { session } = request.staff!;
    const account = (await findAccountById(storage, request.actor.accountId))!;
    const step = !account.totpEnabled && account.totpSecret ? codeStep(account, account.totpSecret, code) : null;
    if (step === null || !await useTotpStep(storage, account.id, step)) {
      return secondFactorFailed(storage, request, reply, new HttpError(401, apiError('bad_code', 'Código incorreto. Confira a hora do celular e use o código que aparece agora.')));
    }
    await storage.transaction(async (tx) => {
      await setTotpSecret(tx, account.id, account.totpSecret, true);
      await markSecondFactor(tx, session.id);
      await audit(tx, request.actor, 'totp_enrolled', { target: account.id });
    });
    await completed(storage, request, reply, account.id);
    return sessionResponse({ ...account, totpEnabled: true }, { ...session, secondFactor: true });
  });
}

/** Choosing a password through a reset link. */
function passwordRoute(app: FastifyInstance, storage: Storage, loginLimit: LoginLimit): void {
  app.post('/password', { config: { access: 'public', ...loginLimit } }, async (request) => {
    const { token, password } = parsed(parseContract(PasswordResetRequestSchema, request.body));
    if (await isWeakPassword(password)) throw new HttpError(422, apiError('weak_password', WEAK_PASSWORD_MESSAGE, { password: WEAK_PASSWORD_MESSAGE }));
    const accountId = await useResetToken(storage, token, password, (tx, id) => audit(tx, { accountId: id, sessionId: null }, 'password_set', { target: id }));
    if (!accountId) throw new HttpError(400, apiError('bad_link', 'Este link não vale mais (já usado ou vencido). Peça um novo à administração.'));
    return { ok: true };
  });
}
