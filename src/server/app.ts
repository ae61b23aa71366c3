import { randomBytes } from 'node:crypto';
import compress from '@fastify/compress';
import zlib from 'node:zlib';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { HttpError, MESSAGES, apiError } from './http/api-errors.ts';
import { citizenApi } from './audiences/citizen/plugin.ts';
import { DEFAULT_LIMITS, type ConnectionLimits, type TrustProxy } from './config.ts';
import { closeUnlessDrainable, guardConnections } from './http/connection-guard.ts';
import { CharterCache } from './domain/current-charter.ts';
import { DiskSpace } from './http/disk-space.ts';
import { deadlinesFor } from './domain/deadlines.ts';
import { inTurn } from './http/fair-turns.ts';
import { DailyErrorCounts } from './http/daily-error-counts.ts';
import { healthRoutes } from './http/health-routes.ts';
import { inlineStyleHashes, securityHeaders } from './http/security-headers.ts';
import { DEFAULT_PUSH_SUBJECT, type PushOptions } from './domain/push.ts';
import { IntegrityKeys } from './domain/integrity/crypto.ts';
import { integrityApi } from './audiences/integrity/plugin.ts';
import { IntegrityMixer, type MixerOptions } from './domain/integrity/mixer.ts';
import { staffApi, type StaffRouteInfo } from './audiences/staff/plugin.ts';
import { registerStatic, type StaticSite } from './http/static-site.ts';
import { TransparencyPanel, type PanelOptions } from './domain/transparency/published-panel.ts';
import { transparencyApi } from './audiences/transparency/plugin.ts';
import { DiskFullError } from './storage/file-store.ts';
import type { Storage } from './storage/types.ts';
import { safeErrorLog } from './http/safe-error-log.ts';

export interface AppOptions {
  storage: Storage;
  /** The built PWA (dist/); when missing, GET / explains how to build it. */
  staticDir?: string;
  logger?: FastifyServerOptions['logger'];
  /** API requests per client address (IPv6 by /64); false turns it off (tests). Default 600 a minute. */
  rateLimit?: { max: number; timeWindow: number | string } | false;
  /** Which proxies' X-Forwarded-For to believe: a hop count or their addresses. Never all. */
  trustProxy?: TrustProxy;
  /** Writes answer 507 when the local folder has less free space than this (bytes; 0 turns it off). */
  minFreeBytes?: number;
  /** Send Strict-Transport-Security (behind TLS). */
  hsts?: boolean;
  limits?: Partial<ConnectionLimits>;
  /** Web Push: who runs the server, and (tests) extra origins a subscription may point at. */
  push?: PushOptions;
  /** Sign-in attempts per client address per minute (the back office). */
  loginRateLimit?: number;
  /** Told of every staff route as it is registered (the permission test reads them). */
  onStaffRoute?: (route: StaffRouteInfo) => void;
  /** The integrity channel's keys (outside the database); a random one when absent (tests). */
  integrityKeys?: IntegrityKeys;
  /** Receipt look-ups (integrity) and follow-up look-ups (protocol and code), each per client address per minute. */
  receiptLookupsPerMinute?: number;
  /** The integrity mixer's randomness, wake bounds and timer (tests run it with app.integrityMixer.runNow()). */
  integrityMixer?: MixerOptions;
  /** The transparency panel's background check (tests shorten it). */
  transparency?: PanelOptions;
}

const FASTIFY_ERRORS: Record<string, { status: number; error: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_json', message: MESSAGES.invalidJson },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'empty_body', message: MESSAGES.emptyJson },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad_request', message: MESSAGES.badRequest },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large', message: MESSAGES.tooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type', message: MESSAGES.unsupportedMediaType },
};

const INTEGRITY_PREFIX = '/api/integridade/';

/** The log line at start-up names no address: a log must never hold one (the integrity channel's promise). */
declare module 'fastify' {
  interface FastifyInstance {
    /** The public panel's snapshots (tests and the staff reports read it). */
    transparencyPanel: TransparencyPanel;
    integrityMixer: IntegrityMixer;
    /** Today's error counts of the integrity channel's routes (logged once the day is over). */
    integrityChannelErrors: DailyErrorCounts;
  }
}

export const LISTEN_TEXT = () => 'Servidor no ar';

/** Bodies above this are parsed in a turn of their own. */
const LARGE_BODY_BYTES = 64 * 1024;

type ErrorLike = { code?: string; statusCode?: number; name?: string; stack?: string };

/** Route patterns under /api and their methods, to tell 405 (known path, other method) from 404. */
class ApiRouteTable {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, methods: string | string[]): void {
    const source = `^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`;
    let entry = this.#routes.find((route) => route.pattern.source === source);
    if (!entry) this.#routes.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const method of [methods].flat()) entry.methods.add(method.toUpperCase());
  }

  allowed(path: string): string[] {
    return [...new Set(this.#routes.filter((route) => route.pattern.test(path)).flatMap((route) => [...route.methods]))];
  }
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Fastify's `true` (believe every X-Forwarded-For hop) is never used. A hop count trusts that many
 * addresses nearest the server, whoever they are (only safe when the proxy is the sole way in); a list of
 * the proxies' addresses/CIDRs also checks who is talking.
 */
function trustProxyOption(trustProxy: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (trustProxy === false) return false;
  if (typeof trustProxy === 'number') return trustProxy > 0 ? (_address, hop) => hop < trustProxy : false;
  return trustProxy;
}

/** PostgreSQL's "insufficient resources" class (53100 disk_full, 53200 out_of_memory…): come back later. */
function isDiskFull(error: ErrorLike): boolean {
  return error instanceof DiskFullError || error.code === '53100';
}

/** The API's request limit per client address: the option as given, or 600 a minute. */
function apiRateLimit(rateLimit: AppOptions['rateLimit']): { max: number; timeWindow: number | string } | false {
  return rateLimit === false ? false : { max: rateLimit?.max ?? 600, timeWindow: rateLimit?.timeWindow ?? '1 minute' };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { storage, staticDir, logger = false, trustProxy = false, minFreeBytes = 0, hsts = false, limits = {} } = options;
  const app = createFastify(logger, trustProxy);
  strictJsonParser(app);
  const charters = new CharterCache(storage);
  const disk = new DiskSpace(storage.localDir, minFreeBytes);
  const connectionLimits = { ...DEFAULT_LIMITS, ...limits };
  guardConnections(app, { ...connectionLimits, perAddressCap: trustProxy === false });
  const apiRoutes = trackApiRoutes(app);
  responseHooks(app, securityHeaders(inlineStyleHashes(staticDir), { hsts }));
  errorHandling(app);

  // A streamed answer (a CSV export paged 200 rows at a time) is flushed at every write: otherwise the
  // compressor holds the bytes back, nothing reaches the socket for minutes, and the idle timer cuts it.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    brotliOptions: { flush: zlib.constants.BROTLI_OPERATION_FLUSH },
    zlibOptions: { flush: zlib.constants.Z_SYNC_FLUSH },
  });

  healthRoutes(app, { storage, charters, disk });
  await registerAudiences(app, options, { charters, disk, uploadsPerClient: connectionLimits.uploadsPerClient });
  answerNotFound(app, apiRoutes, await registerStatic(app, staticDir));

  await app.ready();
  return app;
}

function createFastify(logger: AppOptions['logger'], trustProxy: TrustProxy): FastifyInstance {
  return Fastify({
    logger,
    // Our own one-line request log (method, route pattern, status, duration) replaces Fastify's, which
    // would carry the URL with ids and query strings.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: trustProxyOption(trustProxy),
    // Fastify answers a bad percent-escape or an over-long path parameter before any route runs, in
    // English and echoing the URL; these answer like every other error.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = (error as ErrorLike).statusCode ?? 400;
      void reply.code(status >= 400 && status < 500 ? status : 400).send(apiError('bad_request', MESSAGES.badRequest));
    },
  });
}

function strictJsonParser(app: FastifyInstance): void {
  // The only bodies the API reads are JSON and, on its own route, the attachment types.
  app.removeContentTypeParser('text/plain');
  // Decoding strictly: a body that is not valid UTF-8 is refused instead of being stored with U+FFFD
  // where the person's words were. Fastify's own parser still checks for prototype poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  const parseBody = (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new HttpError(400, apiError('invalid_encoding', MESSAGES.invalidEncoding)), undefined);
    }
    parseJson(request, text, done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // A large body is parsed in its own turn of the event loop (fair-turns.ts): many at once cannot hold it.
    if ((body as Buffer).length < LARGE_BODY_BYTES) parseBody(request, body as Buffer, done);
    else void inTurn(() => parseBody(request, body as Buffer, done));
  });
}

/** Every route under /api, as it is registered, so the not-found handler can answer 405. */
function trackApiRoutes(app: FastifyInstance): ApiRouteTable {
  const apiRoutes = new ApiRouteTable();
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) apiRoutes.add(route.url, route.method);
  });
  return apiRoutes;
}

/** The security headers on every answer, and the one-line request log. */
function responseHooks(app: FastifyInstance, headers: Record<string, string>): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    // The integrity channel's citizen routes leave no line: a line's time would sit beside the same
    // phone's named requests and time the report against them.
    if (request.url.startsWith(INTEGRITY_PREFIX)) return;
    request.log.info({ method: request.method, route: request.routeOptions.url ?? '(none)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}

function errorHandling(app: FastifyInstance): void {
  // The channel's errors are counted per day, not logged each with its time (daily-error-counts.ts).
  const channelErrors = new DailyErrorCounts((day, counts) => app.log.warn({ day, counts }, 'integrity channel errors of the day'));
  channelErrors.start();
  app.addHook('onClose', async () => channelErrors.stop());
  app.decorate('integrityChannelErrors', channelErrors);
  const logError = (request: FastifyRequest, level: 'warn' | 'error', details: object, message: string) => {
    if (request.url.startsWith(INTEGRITY_PREFIX)) channelErrors.add(`${request.routeOptions.url ?? '(none)'} ${message}`);
    else request.log[level](details, message);
  };
  app.setErrorHandler(async (error: ErrorLike, request, reply) => {
    closeUnlessDrainable(request, reply);
    if (error instanceof HttpError) {
      if (error.statusCode >= 500) logError(request, 'warn', { error: error.body.error }, 'request refused');
      return reply.code(error.statusCode).send(error.body);
    }
    if (isDiskFull(error)) {
      logError(request, 'warn', { error: { name: error.name, code: error.code } }, 'disk full');
      return reply.code(507).header('retry-after', '60').send(apiError('insufficient_storage', MESSAGES.diskFull));
    }
    const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) return reply.code(known.status).send(apiError(known.error, known.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(apiError('bad_request', MESSAGES.badRequest));
    }
    logError(request, 'error', { error: safeErrorLog(error) }, 'request failed');
    return reply.code(500).send(apiError('internal_error', MESSAGES.internal));
  });
}

/** Each audience is one encapsulated plugin with its own limits and hooks: a route added inside it cannot skip them. */
async function registerAudiences(
  app: FastifyInstance, options: AppOptions, shared: { charters: CharterCache; disk: DiskSpace; uploadsPerClient: number },
): Promise<void> {
  const {
    storage, rateLimit, push = { subject: DEFAULT_PUSH_SUBJECT }, loginRateLimit, onStaffRoute,
    integrityKeys = new IntegrityKeys(randomBytes(32)), receiptLookupsPerMinute, transparency, integrityMixer = {},
  } = options;
  const { charters, disk, uploadsPerClient } = shared;
  const deadlines = deadlinesFor(storage, charters);
  await app.register(citizenApi, {
    prefix: '/api',
    storage,
    charters,
    disk,
    rateLimit: apiRateLimit(rateLimit),
    uploadsPerClient,
    push,
    onItemFailure: (error: unknown) => app.log.error({ error: safeErrorLog(error as ErrorLike) }, 'submission item failed'),
    dueDate: deadlines.dueDate,
    onResumed: deadlines.refreshDueDate,
    // The same limit as the integrity channel's receipts: a follow-up code is a secret of the same kind.
    ...(receiptLookupsPerMinute ? { followUpLookupsPerMinute: receiptLookupsPerMinute } : {}),
  });
  await app.register(integrityApi, {
    prefix: '/api/integridade',
    storage,
    charters,
    keys: integrityKeys,
    ...(receiptLookupsPerMinute ? { receiptLookupsPerMinute } : {}),
  });
  startIntegrityMixer(app, storage, integrityKeys, integrityMixer);
  await app.register(transparencyApi, {
    prefix: '/api/transparencia',
    panel: startTransparencyPanel(app, storage, charters, transparency),
    auditChain: { storage, ...(transparency?.now ? { now: transparency.now } : {}) },
    rateLimit: apiRateLimit(rateLimit),
  });
  await app.register(staffApi, {
    prefix: '/api/gestao',
    storage,
    charters,
    push,
    deadlines,
    integrityKeys,
    ...(loginRateLimit ? { loginRateLimit } : {}),
    ...(onStaffRoute ? { onRoute: onStaffRoute } : {}),
  });
}

/** Received reports wait in the inbox; the mixer moves them into the tables at random moments. */
function startIntegrityMixer(app: FastifyInstance, storage: Storage, keys: IntegrityKeys, options: MixerOptions): void {
  const mixer = new IntegrityMixer(storage, keys, {
    onError: (error: unknown) => app.log.error({ error: safeErrorLog(error as ErrorLike) }, 'integrity mixer failed'),
    ...options,
  });
  app.decorate('integrityMixer', mixer);
  app.addHook('onReady', async () => mixer.start());
  app.addHook('onClose', async () => { await mixer.stop().catch(() => 0); });
}

function startTransparencyPanel(app: FastifyInstance, storage: Storage, charters: CharterCache, options: PanelOptions | undefined): TransparencyPanel {
  const panel = new TransparencyPanel(storage, charters, options);
  app.decorate('transparencyPanel', panel);
  app.addHook('onReady', async () => panel.start());
  app.addHook('onClose', async () => panel.stop());
  return panel;
}

/** 405 for a known /api path with another method, the app's shell for a page's deep link, 404 otherwise. */
function answerNotFound(app: FastifyInstance, apiRoutes: ApiRouteTable, site: StaticSite): void {
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/')) {
      const allowed = apiRoutes.allowed(path);
      if (allowed.length && !allowed.includes(request.method)) {
        return reply.code(405).header('allow', allowed.join(', ')).send(apiError('method_not_allowed', MESSAGES.methodNotAllowed));
      }
      return reply.code(404).send(apiError('not_found', MESSAGES.notFound));
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && acceptsHtml(request)) {
      const sent = site.sendShell(reply, path);
      if (sent) return sent;
    }
    return reply.code(404).send(apiError('not_found', MESSAGES.notFound));
  });
}
