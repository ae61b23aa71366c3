/**
 * The back office from the outside, for tests and the benchmark: a staff member's HTTP client (session
 * cookie, CSRF token, Origin, the second factor), staff accounts, and citizen submissions with a photo in
 * every kind the queue holds (request, manifestation, evaluation) for two secretariats.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import * as OTPAuth from 'otpauth';
import { createAccount, type AccountRow } from '../../src/server/storage/accounts.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import type { Charter } from '../../src/shared/contract/charter.ts';
import type { SubmissionKind } from '../../src/shared/contract/forms.ts';
import type { StaffRole } from '../../src/shared/contract/staff.ts';
import { fixtureCharter, postJson, uploadFile } from './server.ts';

export const STAFF_PASSWORD = 'uma senha de teste bem longa';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  /** The parsed body when it is JSON, otherwise undefined. */
  body: any;
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CallOptions {
  /** A JSON body (sent with content-type application/json). */
  body?: unknown;
  /** Send the session cookie (default true when there is one). */
  cookie?: boolean;
  /** Send the x-csrf-token header on writes (default true when there is one); a string sends that value. */
  csrf?: boolean | string;
  /** The Origin header: default this server's origin on writes; null sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
}

let nextAddress = 1;
/** A distinct client address per client, sent as X-Forwarded-For (only believed with trustProxy). */
function clientAddress(): string {
  const n = nextAddress++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const totpOf = (secret: string) => new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
/** The last time step handed out per secret: the server accepts each step once (±1 step of now). */
const stepsGiven = new Map<string, number>();

/** The code the authenticator app shows at a given moment. */
export function totpCode(secret: string, timestamp: number): string {
  return totpOf(secret).generate({ timestamp });
}

/**
 * A code the server accepts now and has not taken yet. The server takes each 30-second step once, and
 * accepts the steps just before and after now; so two sign-ins of one account in the same 30 seconds get
 * now's and the next step's code, and a third waits for the clock instead of failing by chance.
 */
export async function unusedTotpCode(secret: string): Promise<string> {
  const totp = totpOf(secret);
  for (;;) {
    const now = totp.counter();
    const step = Math.max(now, (stepsGiven.get(secret) ?? -Infinity) + 1);
    if (step <= now + 1) {
      stepsGiven.set(secret, step);
      return totp.generate({ timestamp: step * 30_000 });
    }
    await new Promise((resolve) => setTimeout(resolve, (now + 1) * 30_000 - Date.now() + 100));
  }
}

/** The session id (as stored, and as the audit log keeps its first 16 characters) of a cookie token. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** One person's browser: a cookie jar of one cookie, the CSRF token from the last session answer. */
export class StaffClient {
  token: string | null = null;
  cookieName: string | null = null;
  csrf: string | null = null;
  /** The second factor's secret once enrolled through the API. */
  totpSecret: string | null = null;
  /** The known-device cookie the server gave this browser at a full sign-in. */
  deviceToken: string | null = null;
  /** The password of the last sign-in, typed again to enrol a second factor. */
  password: string = STAFF_PASSWORD;
  /** The account signed in, when signInNewAccount made it. */
  accountId: string | null = null;
  readonly address = clientAddress();

  constructor(readonly base: string, readonly options: { https?: boolean } = {}) {}

  /** The site's origin as the browser sees it (behind a TLS proxy: https). */
  get origin(): string {
    const url = new URL(this.base);
    return `${this.options.https ? 'https' : url.protocol.slice(0, -1)}://${url.host}`;
  }

  async call(method: Method, path: string, options: CallOptions = {}): Promise<Answer> {
    const write = !['GET', 'HEAD'].includes(method);
    const headers: Record<string, string> = { 'x-forwarded-for': this.address, ...(this.options.https ? { 'x-forwarded-proto': 'https' } : {}) };
    const cookies = [
      ...(options.cookie !== false && this.token ? [`${this.cookieName ?? 'gestao'}=${this.token}`] : []),
      ...(this.deviceToken && path.startsWith('/api/gestao') ? [`gestao-aparelho=${this.deviceToken}`] : []),
    ];
    if (cookies.length) headers.cookie = cookies.join('; ');
    const csrf = options.csrf ?? true;
    if (write && csrf !== false) {
      const value = typeof csrf === 'string' ? csrf : this.csrf;
      if (value) headers['x-csrf-token'] = value;
    }
    const origin = options.origin === undefined ? (write ? this.origin : null) : options.origin;
    if (origin !== null) headers.origin = origin;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    const bytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    let body: any;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text) body = JSON.parse(text);
    this.remember(response, body);
    return { status: response.status, headers: response.headers, text, bytes, body };
  }

  /** Keeps the cookie the server set (or forgets it when cleared) and the CSRF token of a session answer. */
  private remember(response: Response, body: any): void {
    for (const line of response.headers.getSetCookie()) {
      const device = /^gestao-aparelho=([^;]*)/.exec(line);
      if (device) this.deviceToken = device[1] || null;
      const match = /^(__Host-gestao|gestao)=([^;]*)/.exec(line);
      if (!match) continue;
      this.cookieName = match[1]!;
      this.token = match[2] || null;
      if (!this.token) this.csrf = null;
    }
    if (body && typeof body === 'object' && typeof body.csrfToken === 'string') this.csrf = body.csrfToken;
  }

  login(email: string, password = STAFF_PASSWORD): Promise<Answer> {
    this.password = password;
    return this.call('POST', '/api/gestao/session', { body: { email, password } });
  }

  /** Sets up the second factor through the API (the password again, a new secret, confirmed with a code made from it). */
  async enrolTotp(): Promise<Answer> {
    const enrolment = await this.call('POST', '/api/gestao/totp/enrolment', { body: { password: this.password } });
    if (enrolment.status !== 200) throw new Error(`enrolment answered ${enrolment.status}: ${enrolment.text}`);
    this.totpSecret = enrolment.body.secret;
    return this.call('POST', '/api/gestao/totp/enrolment/confirm', { body: { code: await unusedTotpCode(this.totpSecret!) } });
  }

  /**
   * Signs in all the way: password, then the second factor where the role needs one (enrolling it the
   * first time). Returns the final session answer, stage signed_in.
   */
  async signIn(email: string, password = STAFF_PASSWORD): Promise<Answer> {
    let answer = await this.login(email, password);
    if (answer.status !== 200) throw new Error(`sign-in of ${email} answered ${answer.status}: ${answer.text}`);
    if (answer.body.stage === 'enrol') answer = await this.enrolTotp();
    else if (answer.body.stage === 'totp') {
      if (!this.totpSecret) throw new Error(`${email} needs a code and this client never enrolled`);
      answer = await this.call('POST', '/api/gestao/session/totp', { body: { code: await unusedTotpCode(this.totpSecret) } });
    }
    if (answer.status !== 200 || answer.body.stage !== 'signed_in') throw new Error(`sign-in of ${email} ended with ${answer.status}: ${answer.text}`);
    return answer;
  }

  /** Whether the session is live and complete. */
  async signedIn(): Promise<boolean> {
    if (!this.token) return false;
    const answer = await this.call('GET', '/api/gestao/session');
    return answer.status === 200 && answer.body.stage === 'signed_in';
  }
}

/**
 * A sign-in sent from a real source address (a loopback alias such as 127.0.0.5, bound with localAddress),
 * with no X-Forwarded-For: the server counts the connection's own address, as it would an outsider's.
 */
export function loginFromAddress(base: string, localAddress: string, email: string, password: string): Promise<{ status: number; body: any; setCookies: string[] }> {
  const url = new URL(`${base}/api/gestao/session`);
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const sent = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), origin: url.origin },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const cookies = response.headers['set-cookie'] ?? [];
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, setCookies: cookies });
      });
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(payload);
  });
}

let accountNumber = 0;

export interface TestAccount {
  account: AccountRow;
  email: string;
}

/** A staff account with a password (as if its reset link had been used). */
export async function addAccount(storage: Storage, roles: readonly StaffRole[], secretariats: readonly string[] = ['servicos-publicos'], name?: string): Promise<TestAccount> {
  const email = `pessoa${++accountNumber}.${randomBytes(3).toString('hex')}@pmvc.ba.gov.br`;
  const account = await createAccount(storage, { email, name: name ?? `Pessoa ${accountNumber} (${roles.join('+')})`, roles, secretariats, password: STAFF_PASSWORD });
  return { account, email };
}

/** A new account with `roles`, signed in all the way through the API (the second factor enrolled where the role needs one). */
export async function signInNewAccount(base: string, storage: Storage, roles: readonly StaffRole[], secretariats: readonly string[] = []): Promise<StaffClient> {
  const { account, email } = await addAccount(storage, roles, secretariats);
  const client = new StaffClient(base);
  client.accountId = account.id;
  await client.signIn(email);
  if (!(await client.signedIn())) throw new Error(`${email} signed in, but the session is not live`);
  return client;
}

// ---------------------------------------------------------------- a charter with every kind of submission, with photos

/**
 * The fixture charter plus what the back office's rules need: a service with a photo field in a second
 * secretariat (agricultura), and a manifestação and an evaluation form with a photo field. A manifestação
 * or an evaluation names the service it is about, whose secretariat it then belongs to.
 */
export function staffCharter(): Charter {
  const charter = fixtureCharter();
  const carroPipa = charter.services.find((s) => s.id === 'carro-pipa')!;
  const photo = { id: 'fotos', label: 'Fotos', type: 'photo' as const, required: false, maxItems: 3 };
  const describe = { id: 'descricao', label: 'Descreva', type: 'textarea' as const, required: true, minLength: 10, maxLength: 1000 };
  return {
    ...charter,
    services: [
      ...charter.services,
      { ...carroPipa, id: 'vistoria-estrada', name: 'Vistoria de estrada vicinal', popularNames: ['vistoria'], formId: 'vistoria-estrada' },
    ],
    forms: [
      ...charter.forms,
      { id: 'vistoria-estrada', version: 1, title: 'Pedir vistoria de estrada', kind: 'request', fields: [describe, { id: 'local', label: 'Onde?', type: 'location', required: true }, photo] },
      { id: 'manifestacao', version: 1, title: 'Fazer uma manifestação', kind: 'manifestation', fields: [describe, photo] },
      {
        id: 'avaliacao-foto', version: 1, title: 'Avaliar com foto', kind: 'evaluation',
        fields: [{ id: 'nota', label: 'Nota', type: 'radio', required: true, options: ['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n })) }, photo],
      },
    ],
  };
}

export interface Filed {
  id: string;
  protocol: string;
  kind: SubmissionKind;
  serviceId: string;
  secretariatId: string;
  /** The photo's address. */
  sha256: string;
  photo: Buffer;
  district: string | null;
}

const SECRETARIAT_OF: Record<string, string> = { 'tapa-buraco': 'servicos-publicos', 'vistoria-estrada': 'agricultura' };

/** A submission with one photo, through the citizen API (upload, then submit), for the staffCharter(). */
export async function fileWithPhoto(url: string, kind: SubmissionKind, serviceId: 'tapa-buraco' | 'vistoria-estrada', district = 'igua'): Promise<Filed> {
  // A JPEG's signature, then noise: a file only this submission cites.
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(600)]);
  const upload = await uploadFile(url, photo, 'image/jpeg');
  if (upload.status !== 201) throw new Error(`upload answered ${upload.status}`);
  const { sha256 } = await upload.json() as { sha256: string };
  const answersByForm: Record<string, Record<string, unknown>> = {
    'tapa-buraco': { descricao: 'Buraco grande na frente da escola.', local: { district, village: 'Cachoeira' }, nome: 'Maria da Conceição', cpf: '529.982.247-25', telefone: '(77) 98888-7777', aceite: true },
    'vistoria-estrada': { descricao: 'A estrada do povoado está intransitável.', local: { district, village: 'Cachoeira' } },
    manifestacao: { descricao: 'Reclamação sobre o atendimento no posto.' },
    'avaliacao-foto': { nota: '4' },
  };
  const formId = kind === 'request' ? serviceId : kind === 'manifestation' ? 'manifestacao' : 'avaliacao-foto';
  const answer = await postJson(`${url}/api/submissions`, {
    id: crypto.randomUUID(),
    kind,
    serviceId,
    formId,
    formVersion: 1,
    answers: { ...answersByForm[formId], fotos: [sha256] },
    attachments: [{ sha256, type: 'image/jpeg', size: photo.length, fieldId: 'fotos' }],
    createdAt: new Date().toISOString(),
  });
  if (answer.status !== 201) throw new Error(`submission answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return {
    id: answer.body.id, protocol: answer.body.protocol, kind, serviceId, secretariatId: SECRETARIAT_OF[serviceId]!, sha256, photo,
    district: kind === 'request' ? district : null,
  };
}
