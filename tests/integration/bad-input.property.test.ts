/**
 * Property tests of the API against the real server on loopback: malformed bodies of every kind get a
 * 4xx with a JSON pt-BR message, never a 5xx, never a stored row; and valid generated submissions (the
 * control that keeps the generators honest) are stored exactly once.
 *
 * Seeded: PROPERTY_SEED (default below) picks the inputs, PROPERTY_RUNS (default 60) the number of runs of
 * a main property; the others scale with it. `PROPERTY_RUNS=2000 npx vitest run tests/integration/bad-input.property.test.ts`
 * is the long run.
 */
import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, type AttachmentType } from '../../src/shared/contract/submissions.ts';
import { MAX_BATCH } from '../../src/shared/contract/sync.ts';
import { type Charter } from '../../src/shared/contract/charter.ts';
import { MESSAGES } from '../../src/server/http/api-errors.ts';
import type { Storage } from '../../src/server/storage/types.ts';
import { BACKENDS, fileAddress, fixtureCharter, startServer, TEST_SALT, type TestServer } from '../support/server.ts';
import { closeRawAgent, rawRequest, type RawAnswer } from '../support/raw-http.ts';
import { deeplyNested, encodeTree, getAt, setAt, type Tree } from '../support/malformed-json.ts';
import {
  INVALID_UTF8, NOT_A_TIMESTAMP, PROTOTYPE_KEYS, ROLLING_TIMESTAMP, arrayForObject, badCreatedAt, deepNesting, freeTextSlots, hugeString,
  injectionOutsideFreeText, invalidUtf8, isFreeTextSlot, missingKey, prototypeKey, sha256Variants, stringSlots, treeOf,
  unknownKey, wrongAttachmentMetadata, wrongSha256, wrongType, wrongTypeFor, type Malformed,
} from '../support/malformed-submissions.ts';
import { INJECTION_STRINGS, validSubmissionArbitrary, type GeneratedSubmission, type UploadedFile } from '../support/submission-arbitraries.ts';

const SEED = Number(process.env.PROPERTY_SEED) || 20_261_122;
const DEFAULT_RUNS = 60;
const PROPERTY_RUNS = Number(process.env.PROPERTY_RUNS) || DEFAULT_RUNS;
const SCALE = PROPERTY_RUNS / DEFAULT_RUNS;
/** fast-check settings for a property that makes `atDefault` runs in `npm test`. */
const runs = (atDefault: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(atDefault * SCALE)) });
const TIMEOUT = Math.max(60_000, Math.round(60_000 * SCALE));
/** Generated once, so that "today" in a date answer and createdAt agree for the whole run. */
const NOW = Date.now();

// ---------------------------------------------------------------- what a refusal must look like

/** Words of English error texts (Fastify's, valibot's, PostgreSQL's) that pt-BR messages never use. */
const ENGLISH_WORDS = /\b(invalid|expected|received|required|unexpected|must|should|not|found|bad|request|unsupported|payload|too|large|exceed(s|ed|ing)?|error|failed|missing|unknown|property|body|value|the|is|of|length|at|token|position|syntax|route|method)\b/i;
const PORTUGUESE_WORDS = new RegExp(`[à-úç]|\\b(${[
  'não', 'de', 'do', 'da', 'dos', 'das', 'um', 'uma', 'o', 'a', 'os', 'as', 'em', 'no', 'na', 'nos', 'nas', 'para', 'por', 'pelo', 'pela', 'com', 'ou', 'se', 'que',
  'ser', 'deve', 'deveria', 'precisa', 'precisam', 'pode', 'algumas', 'alguns', 'resposta', 'respostas', 'campo', 'valor', 'envio', 'envios', 'arquivo', 'lote',
  'formato', 'tente', 'aceito', 'vazio', 'grande', 'demais', 'corrigidas', 'servidor', 'identificador', 'encontrado', 'encontramos', 'permitido',
].join('|')})\\b`, 'i');

/** A message a person in Vitória da Conquista can read: Portuguese, with no English left in it (quoted codes aside). */
function isPtBrMessage(message: unknown): boolean {
  if (typeof message !== 'string' || !message.trim() || !/[a-zà-ú]/i.test(message)) return false;
  const unquoted = message.replace(/"[^"]*"|'[^']*'/g, '');
  return PORTUGUESE_WORDS.test(unquoted) && !ENGLISH_WORDS.test(unquoted);
}

/** What is wrong with an ApiError body, or null. */
function apiErrorProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const { error, message, fields } = body as { error?: unknown; message?: unknown; fields?: unknown };
  if (typeof error !== 'string' || !error) return 'no "error" code';
  if (!isPtBrMessage(message)) return `"message" is not pt-BR: ${JSON.stringify(message)}`;
  if (fields !== undefined) {
    if (!fields || typeof fields !== 'object') return '"fields" is not an object';
    for (const [path, text] of Object.entries(fields)) if (!isPtBrMessage(text)) return `fields[${JSON.stringify(path)}] is not pt-BR: ${JSON.stringify(text)}`;
  }
  return null;
}

function jsonOf(answer: RawAnswer): unknown {
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) throw new Error(`content-type is ${JSON.stringify(type)}, not JSON`);
  return JSON.parse(answer.text);
}

function describeAnswer(answer: RawAnswer): string {
  return `${answer.status} ${answer.headers['content-type'] ?? '(no content-type)'} ${answer.text.slice(0, 400)}`;
}

/** A 4xx whose body is an ApiError in pt-BR. */
function refusalProblem(answer: RawAnswer): string | null {
  if (answer.status === 200) return 'status 200: accepted, as a duplicate of an earlier run of this same case (fast-check resends it while shrinking)';
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}`;
  try {
    return apiErrorProblem(jsonOf(answer));
  } catch (error) {
    return (error as Error).message;
  }
}

/** HEAD answers carry no body: a 4xx is all there is to check. */
function headRefusalProblem(answer: RawAnswer): string | null {
  return answer.status >= 400 && answer.status <= 499 ? null : `status ${answer.status}`;
}

/** conflict too: a shrunk counterexample may reuse an id that an earlier failing run stored. */
const REFUSED_OUTCOMES = ['rejected', 'missing_attachments', 'conflict'];

/**
 * POST /api/sync answers per item: a batch it can read gets 200 with each item judged. A malformed batch
 * must be refused whole (4xx) or have every item refused, each with a pt-BR ApiError and no receipt.
 */
function syncRefusalProblem(answer: RawAnswer): string | null {
  if (answer.status !== 200) return refusalProblem(answer);
  let body: { results?: { outcome?: string; receipt?: unknown; error?: unknown }[] };
  try {
    body = jsonOf(answer) as typeof body;
  } catch (error) {
    return (error as Error).message;
  }
  if (!Array.isArray(body.results) || !body.results.length) return '200 without results';
  for (const [i, item] of body.results.entries()) {
    if (!REFUSED_OUTCOMES.includes(String(item.outcome)) || item.receipt !== undefined) {
      // While shrinking, fast-check resends a case an earlier run already got stored.
      return `item ${i} was ${item.outcome}${item.outcome === 'duplicate' ? ' (stored by an earlier run of this same case)' : ''}`;
    }
    const problem = apiErrorProblem(item.error);
    if (problem) return `item ${i}: ${problem}`;
  }
  return null;
}

// ---------------------------------------------------------------- the server's rows

interface RowCounts {
  submissions: number;
  attachments: number;
  history: number;
}

async function rowCounts(storage: Storage): Promise<RowCounts> {
  const { rows } = await storage.query<{ submissions: number; attachments: number; history: number }>(
    `SELECT (SELECT count(*) FROM submissions)::int AS submissions, (SELECT count(*) FROM attachments)::int AS attachments,
            (SELECT count(*) FROM status_history)::int AS history`,
  );
  return rows[0]!;
}

// ---------------------------------------------------------------- requests

/** One bad input, printed by fast-check as its fault and size rather than megabytes of body. */
class BadRequest {
  constructor(readonly fault: string, readonly body: Buffer | undefined, readonly contentType: string | null = 'application/json', readonly path?: string) {}

  [fc.toStringMethod](): string {
    return `${this.fault} (${this.body?.length ?? 'no'} bytes, ${this.contentType ?? 'no content-type'}${this.path ? `, ${this.path.slice(0, 120)}` : ''})`;
  }
}

/**
 * A shrinking fast-check replays generated ids (shrunk towards 00000000-…), which the server then rightly
 * calls a duplicate or a conflict of an earlier run; a fresh id per run keeps each run on its own.
 */
const withFreshId = (generated: GeneratedSubmission): GeneratedSubmission => ({ ...generated, body: { ...generated.body, id: randomUUID() } });

const fromTree = ({ fault, tree }: Malformed) => new BadRequest(fault, encodeTree(tree));
const batchOf = (items: Tree[]): Tree => ({ submissions: items });

function send(server: TestServer, method: string, path: string, request: BadRequest): Promise<RawAnswer> {
  return rawRequest(server.url, {
    method,
    path: request.path ?? path,
    headers: { ...(request.contentType ? { 'content-type': request.contentType } : {}), ...(method === 'PUT' ? { 'x-attachment-salt': TEST_SALT } : {}) },
    body: request.body,
  });
}

/** Files of each type the API takes, uploaded before the properties run, so photos can be valid. */
function photoFiles(): { bytes: Buffer; type: AttachmentType }[] {
  const filler = (label: string, size: number) => {
    const parts: Buffer[] = [];
    for (let i = 0; parts.length * 32 < size; i++) parts.push(createHash('sha256').update(`${label} ${i}`).digest());
    return Buffer.concat(parts).subarray(0, size);
  };
  return [
    { type: 'image/png', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), filler('buraco', 1500)]) },
    { type: 'image/png', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), filler('calçada', 900)]) },
    { type: 'image/jpeg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), filler('poste', 2048)]) },
    { type: 'image/webp', bytes: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 '), filler('rua', 700)]) },
  ];
}

/** A file's address as the phone makes it: SHA-256 of the test device's salt and the bytes. */
const sha256Hex = (bytes: Buffer) => fileAddress(bytes);

async function uploadPhotos(server: TestServer): Promise<UploadedFile[]> {
  const uploaded: UploadedFile[] = [];
  for (const { bytes, type } of photoFiles()) {
    const sha256 = sha256Hex(bytes);
    const answer = await rawRequest(server.url, { method: 'PUT', path: `/api/attachments/${sha256}`, headers: { 'content-type': type, 'x-attachment-salt': TEST_SALT }, body: bytes });
    expect(answer.status, describeAnswer(answer)).toBe(201);
    uploaded.push({ sha256, type, size: bytes.length });
  }
  return uploaded;
}

async function expectHealthy(server: TestServer): Promise<void> {
  const answer = await rawRequest(server.url, { method: 'GET', path: '/api/health' });
  expect(answer.status, describeAnswer(answer)).toBe(200);
}

afterAll(() => closeRawAgent());

// ================================================================ bad input

describe.each(BACKENDS)('bad input on %s: a pt-BR 4xx, never a 5xx, never a stored row', (backend) => {
  let server: TestServer;
  let charter: Charter;
  let photos: UploadedFile[];
  const submissions = () => validSubmissionArbitrary(charter, photos, { now: NOW }).map(withFreshId);
  const withPhotos = () => validSubmissionArbitrary(charter, photos, { now: NOW, withPhotos: true }).map(withFreshId);

  beforeAll(async () => {
    server = await startServer({ backend });
    charter = fixtureCharter();
    photos = await uploadPhotos(server);
    expect(await rowCounts(server.storage)).toEqual({ submissions: 0, attachments: photos.length, history: 0 });
  });
  afterAll(async () => { await server?.close(); });
  afterEach(async () => { await expectHealthy(server); });

  /** Counted around each request, so that one stored row fails the run that stored it and no other. */
  async function expectRefused(method: string, path: string, request: BadRequest, problemOf = refusalProblem): Promise<void> {
    const before = await rowCounts(server.storage);
    const answer = await send(server, method, path, request);
    expect(problemOf(answer), `${request.fault} → ${describeAnswer(answer)}`).toBeNull();
    expect(await rowCounts(server.storage), `${request.fault} stored a row`).toEqual(before);
  }

  const postSubmission = (request: BadRequest) => expectRefused('POST', '/api/submissions', request);
  const postSync = (request: BadRequest) => expectRefused('POST', '/api/sync', request, syncRefusalProblem);

  /** A property over one family of faults made from valid submissions; `examples` always run first. */
  function refusesEvery(
    family: (generated: GeneratedSubmission) => fc.Arbitrary<Malformed>,
    base: () => fc.Arbitrary<GeneratedSubmission>,
    atDefault: number,
    examples: () => Malformed[] = () => [],
  ) {
    return async () => {
      await fc.assert(fc.asyncProperty(base().chain(family).map(fromTree), postSubmission), {
        ...runs(atDefault),
        examples: examples().map((example) => [fromTree(example)] as [BadRequest]),
      });
    };
  }

  /** Markup without spaces after a valid e-mail: a loose e-mail check lets it through. */
  function markupInEmail(): Malformed[] {
    const [pothole] = fc.sample(submissions().filter(({ form }) => form.id === 'tapa-buraco'), { numRuns: 1, seed: SEED });
    return INJECTION_STRINGS.filter((text) => !/\s/.test(text)).map((text) => ({
      fault: `e-mail maria@exemplo.com${text}`,
      tree: setAt(treeOf(pothole!), ['answers', 'email'], `maria@exemplo.com${text}`),
    }));
  }

  describe('POST /api/submissions', () => {
    it('refuses a value of the wrong JSON type at any key', refusesEvery(wrongType, submissions, 60), TIMEOUT);
    it('refuses a submission without a key it needs', refusesEvery(missingKey, submissions, 40), TIMEOUT);
    it('refuses an unknown key at any level', refusesEvery(unknownKey, submissions, 60), TIMEOUT);
    it('refuses __proto__, constructor and prototype keys at any level', refusesEvery(prototypeKey, submissions, 40), TIMEOUT);
    it('refuses strings longer than any slot allows, up to past the body limit', refusesEvery(hugeString, submissions, 15), TIMEOUT);
    it('refuses deep nesting in place of any value', refusesEvery(deepNesting, submissions, 15), TIMEOUT);
    it('refuses an array where an object goes', refusesEvery(arrayForObject, submissions, 30), TIMEOUT);
    it('refuses SQL and markup in every slot that is not free text', refusesEvery(injectionOutsideFreeText, submissions, 40, markupInEmail), TIMEOUT);
    it('refuses wrong, uppercase, short and unknown photo hashes', refusesEvery(wrongSha256, withPhotos, 40), TIMEOUT);
    it('refuses attachment sizes, types and field ids that do not describe the file, and too many files', refusesEvery(wrongAttachmentMetadata, withPhotos, 40), TIMEOUT);
    it('refuses a createdAt that is not an instant', refusesEvery(badCreatedAt, submissions, 40), TIMEOUT);

    it('refuses bytes that are not UTF-8, in a string or as a Latin-1 body', async () => {
      // "ç" then "ã" in Latin-1 (E7 E3) is never UTF-8, whatever else the body holds.
      const latin1 = submissions().filter((generated) => freeTextSlots(generated).length > 0).chain((generated) => {
        const tree = setAt(treeOf(generated), freeTextSlots(generated)[0]!.path, 'Maria da Conceição, açaí e pão');
        return fc.constantFrom('application/json', 'application/json; charset=iso-8859-1').map((contentType) =>
          new BadRequest('Latin-1 body', Buffer.from(encodeTree(tree).toString('utf8'), 'latin1'), contentType));
      });
      await fc.assert(fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: submissions().chain(invalidUtf8).map(fromTree) }, { weight: 1, arbitrary: latin1 }), postSubmission), runs(40));
    }, TIMEOUT);

    it('refuses a valid body sent as another content type', async () => {
      const contentTypes = fc.constantFrom<string | null>(
        null, 'text/plain', 'text/plain; charset=utf-8', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
        'application/xml', 'text/xml', 'image/png', 'image/jpeg', 'application/pdf', 'application/octet-stream', 'application/javascript',
        'application/vnd.api+json', 'application/jsonx', 'application/json-seq', 'json', '*/*', 'application/*',
      );
      const request = fc.tuple(submissions(), contentTypes).map(([generated, type]) => new BadRequest(`content-type ${type}`, encodeTree(treeOf(generated)), type));
      await fc.assert(fc.asyncProperty(request, postSubmission), runs(30));
    }, TIMEOUT);

    it('refuses empty and trivial bodies', async () => {
      for (const request of trivialBodies()) await postSubmission(request);
    }, TIMEOUT);
  });

  describe('POST /api/sync', () => {
    /** Item faults: every family above; sizes kept lower, five items may share one 8 MB body. */
    function malformedItem(): fc.Arbitrary<Malformed> {
      const families = [wrongType, missingKey, unknownKey, prototypeKey, arrayForObject, injectionOutsideFreeText, badCreatedAt, invalidUtf8];
      return fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...families).chain((family) => submissions().chain(family)) },
        { weight: 2, arbitrary: fc.constantFrom(wrongSha256, wrongAttachmentMetadata).chain((family) => withPhotos().chain(family)) },
        { weight: 1, arbitrary: submissions().chain((generated) => hugeString(generated, 300_000)) },
        { weight: 1, arbitrary: submissions().chain((generated) => deepNesting(generated, 20_000)) },
      );
    }

    it('refuses every malformed item of a batch, and stores none', async () => {
      const batch = fc.array(malformedItem(), { minLength: 1, maxLength: 5 }).map((items) =>
        new BadRequest(items.map((item) => item.fault).join(' | '), encodeTree(batchOf(items.map((item) => item.tree)))));
      await fc.assert(fc.asyncProperty(batch, postSync), runs(50));
    }, TIMEOUT);

    it('refuses a malformed batch whole, valid items in it included', async () => {
      const valid = fc.array(submissions(), { minLength: 1, maxLength: 3 }).map((items) => items.map(treeOf));
      const batches = fc.oneof(
        fc.constant<Malformed>({ fault: 'no submissions key', tree: {} }),
        fc.constant<Malformed>({ fault: 'empty batch', tree: batchOf([]) }),
        wrongTypeFor([]).map((value) => ({ fault: `submissions = ${JSON.stringify(value)}`, tree: { submissions: value } })),
        wrongTypeFor({}).map((value) => ({ fault: `batch = ${JSON.stringify(value)}`, tree: value })),
        fc.tuple(valid, fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'submission', 'Submissions', 'extra'), fc.string()).filter((key) => key !== 'submissions'), fc.jsonValue({ maxDepth: 1 }))
          .map(([items, key, value]) => {
            const tree: { [key: string]: Tree } = batchOf(items) as { [key: string]: Tree };
            Object.defineProperty(tree, key, { value, enumerable: true, configurable: true, writable: true });
            return { fault: `unknown batch key ${JSON.stringify(key)}`, tree };
          }),
        fc.array(submissions(), { minLength: MAX_BATCH + 1, maxLength: MAX_BATCH + 20 }).map((items) => ({ fault: `${items.length} valid items`, tree: batchOf(items.map(treeOf)) })),
        fc.tuple(fc.integer({ min: 32, max: 50_000 }), fc.constantFrom('array', 'object')).map(([depth, shape]) => ({
          fault: `${depth} levels of ${shape} as the batch`, tree: { submissions: deeplyNested(depth, shape as 'array' | 'object') },
        })),
        valid.map((items) => ({ fault: 'batch as an array', tree: items })),
      );
      await fc.assert(fc.asyncProperty(batches.map(fromTree), postSync), runs(40));
    }, TIMEOUT);

    it('refuses a valid batch sent as another content type, and empty and trivial bodies', async () => {
      const body = encodeTree(batchOf([treeOf(fc.sample(submissions(), { numRuns: 1, seed: SEED })[0]!)]));
      for (const type of [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', 'application/octet-stream']) {
        await postSync(new BadRequest(`content-type ${type}`, body, type));
      }
      for (const request of trivialBodies()) await postSync(request);
    }, TIMEOUT);
  });

  describe('PUT /api/attachments/:sha256', () => {
    const signatures: Record<AttachmentType, Buffer> = {
      'image/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      'image/webp': Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBP')]),
      'application/pdf': Buffer.from('%PDF-1.7\n'),
    };
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 4096 }).map((array) => Buffer.from(array));
    const attachmentType = fc.constantFrom(...ATTACHMENT_TYPES);
    const typedFile = fc.tuple(attachmentType, bytes).map(([type, rest]) => ({ type, bytes: Buffer.concat([signatures[type], rest]) }));
    const path = (hash: string) => `/api/attachments/${encodeURIComponent(hash)}`;

    it('refuses random bytes, wrong hashes, wrong types and malformed addresses', async () => {
      const requests = fc.oneof(
        // No signature starts with 0x00.
        fc.tuple(attachmentType, bytes).map(([type, rest]) => {
          const body = Buffer.concat([Buffer.from([0]), rest]);
          return new BadRequest(`random bytes as ${type}`, body, type, path(sha256Hex(body)));
        }),
        fc.tuple(typedFile, fc.stringMatching(/^[0-9a-f]{64}$/)).map(([file, hash]) => new BadRequest(`${file.type} under another hash`, file.bytes, file.type, path(hash))),
        fc.tuple(typedFile, fc.constantFrom<string | null>(null, 'text/plain', 'image/gif', 'image/svg+xml', 'application/json', 'application/octet-stream', 'multipart/form-data; boundary=x', 'text/html'))
          .map(([file, type]) => new BadRequest(`${file.type} sent as ${type}`, file.bytes, type, path(sha256Hex(file.bytes)))),
        fc.tuple(typedFile, attachmentType).filter(([file, type]) => file.type !== type)
          .map(([file, type]) => new BadRequest(`${file.type} declared ${type}`, file.bytes, type, path(sha256Hex(file.bytes)))),
        typedFile.chain((file) => sha256Variants(sha256Hex(file.bytes)).map((hash) => new BadRequest(`address ${JSON.stringify(hash)}`, file.bytes, file.type, path(hash)))),
        attachmentType.map((type) => new BadRequest(`empty ${type}`, Buffer.alloc(0), type, path(sha256Hex(Buffer.alloc(0))))),
      );
      await fc.assert(fc.asyncProperty(requests, (request) => expectRefused('PUT', '', request)), runs(60));
    }, TIMEOUT);

    it('refuses files over 5 MB with a 413', async () => {
      const oversized = fc.tuple(attachmentType, fc.integer({ min: 1, max: 64 * 1024 })).map(([type, extra]) => {
        const body = Buffer.concat([signatures[type], Buffer.alloc(MAX_ATTACHMENT_BYTES + extra - signatures[type].length, 7)]);
        return new BadRequest(`${body.length} bytes of ${type}`, body, type, path(sha256Hex(body)));
      });
      await fc.assert(fc.asyncProperty(oversized, async (request) => {
        const answer = await send(server, 'PUT', '', request);
        expect(answer.status, describeAnswer(answer)).toBe(413);
        expect(refusalProblem(answer), describeAnswer(answer)).toBeNull();
      }), runs(3));
    }, TIMEOUT);
  });

  describe('GET /api/submissions/:id', () => {
    it('answers an unknown or malformed id with a pt-BR 4xx', async () => {
      const id = fc.oneof(
        fc.uuid().map((uuid) => ({ fault: 'unknown uuid', path: uuid })),
        fc.uuid().map((uuid) => ({ fault: 'uuid in braces', path: encodeURIComponent(`{${uuid}}`) })),
        fc.uuid().map((uuid) => ({ fault: 'uuid without dashes', path: uuid.replace(/-/g, '') })),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((text) => ({ fault: `text ${JSON.stringify(text)}`, path: encodeURIComponent(text) })),
        fc.constantFrom(...INJECTION_STRINGS).map((text) => ({ fault: `injection ${text}`, path: encodeURIComponent(text) })),
        fc.constantFrom('..%2F..%2Fapi%2Fhealth', '..', '.', '%2e%2e', '%20', 'null', 'undefined', '0', '-1').map((text) => ({ fault: `id ${text}`, path: text })),
      );
      await fc.assert(fc.asyncProperty(id, async ({ fault, path }) => {
        await expectRefused('GET', '', new BadRequest(fault, undefined, null, `/api/submissions/${path}`));
      }), runs(60));
    }, TIMEOUT);
  });

  describe('malformed addresses', () => {
    const routes = fc.constantFrom(
      { method: 'GET', prefix: '/api/submissions/' },
      { method: 'PUT', prefix: '/api/attachments/' },
      { method: 'HEAD', prefix: '/api/attachments/' },
    );

    it('answers a bad percent-escape in the path with a pt-BR 4xx', async () => {
      const escapes = fc.tuple(routes, fc.stringMatching(/^[a-z0-9]{0,8}$/), fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%u0041', '%%'));
      await fc.assert(fc.asyncProperty(escapes, async ([{ method, prefix }, text, escape]) => {
        const request = new BadRequest(`${method} with escape ${escape}`, method === 'PUT' ? Buffer.from('x') : undefined, method === 'PUT' ? 'image/png' : null, `${prefix}${text}${escape}`);
        await expectRefused(method, '', request, method === 'HEAD' ? headRefusalProblem : refusalProblem);
      }), runs(20));
    }, TIMEOUT);

    it('answers an over-long id or hash in the path with a pt-BR 4xx', async () => {
      const long = fc.tuple(routes, fc.integer({ min: 101, max: 8_000 }));
      await fc.assert(fc.asyncProperty(long, async ([{ method, prefix }, length]) => {
        const request = new BadRequest(`${method} with ${length} characters`, method === 'PUT' ? Buffer.from('x') : undefined, method === 'PUT' ? 'image/png' : null, `${prefix}${'a'.repeat(length)}`);
        await expectRefused(method, '', request, method === 'HEAD' ? headRefusalProblem : refusalProblem);
      }), runs(20));
    }, TIMEOUT);
  });
});

/** Bodies that are not a submission at all, with and without a JSON content type. */
function trivialBodies(): BadRequest[] {
  const texts = ['', ' ', '\n\t', 'null', '""', '"texto"', '0', '-1', 'true', 'false', '[]', '[{}]', '{}', '{"', '}', '\ufeff', 'undefined', 'NaN', '{"id":}', ',', '\u0000'];
  return [
    new BadRequest('no body, no content-type', undefined, null),
    new BadRequest('no body', undefined),
    ...texts.flatMap((text) => [
      new BadRequest(`body ${JSON.stringify(text)}`, Buffer.from(text)),
      new BadRequest(`body ${JSON.stringify(text)} as text/plain`, Buffer.from(text), 'text/plain'),
    ]),
  ];
}

// ================================================================ valid and borderline input

describe.each(BACKENDS)('valid and borderline input on %s', (backend) => {
  let server: TestServer;
  let charter: Charter;
  let photos: UploadedFile[];
  const submissions = () => validSubmissionArbitrary(charter, photos, { now: NOW });

  beforeAll(async () => {
    server = await startServer({ backend });
    charter = fixtureCharter();
    photos = await uploadPhotos(server);
  });
  afterAll(async () => { await server?.close(); });
  afterEach(async () => { await expectHealthy(server); });

  type Route = 'submissions' | 'sync';
  interface Outcome { outcome: string; receipt?: { id: string; protocol: string }; answer: RawAnswer }

  /** Sends one submission by either route and reads its outcome the same way. */
  async function submit(route: Route, body: unknown): Promise<Outcome> {
    if (route === 'submissions') {
      const answer = await rawRequest(server.url, { method: 'POST', path: '/api/submissions', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
      const outcome = answer.status === 201 ? 'accepted' : answer.status === 200 ? 'duplicate' : `status ${answer.status}`;
      return { outcome, receipt: answer.status < 300 ? JSON.parse(answer.text) : undefined, answer };
    }
    const answer = await rawRequest(server.url, { method: 'POST', path: '/api/sync', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ submissions: [body] })) });
    if (answer.status !== 200) return { outcome: `status ${answer.status}`, answer };
    const item = (JSON.parse(answer.text) as { results: { outcome: string; receipt?: Outcome['receipt'] }[] }).results[0]!;
    return { outcome: item.outcome, receipt: item.receipt, answer };
  }

  async function storedAnswers(id: string): Promise<unknown> {
    const { rows } = await server.storage.query<{ answers: unknown }>('SELECT answers FROM submissions WHERE id = $1', [id]);
    return rows[0]?.answers;
  }

  async function expectStoredOnce(generated: GeneratedSubmission, first: Outcome, replayRoute: Route, before: RowCounts): Promise<void> {
    const { body } = generated;
    expect(first.outcome, describeAnswer(first.answer)).toBe('accepted');
    expect(first.receipt).toMatchObject({ id: body.id, protocol: expect.stringMatching(/^\d{4}-\d{6}$/) });
    // The same content with its keys in another order is the same submission.
    const replay = await submit(replayRoute, Object.fromEntries(Object.entries(body).reverse()));
    expect(replay.outcome, describeAnswer(replay.answer)).toBe('duplicate');
    expect(replay.receipt).toEqual(first.receipt);
    expect(await rowCounts(server.storage)).toEqual({ ...before, submissions: before.submissions + 1, history: before.history + 1 });
    expect(await storedAnswers(body.id)).toEqual(JSON.parse(JSON.stringify(body.answers)));
    const status = await rawRequest(server.url, { method: 'GET', path: `/api/submissions/${body.id}` });
    expect(status.status, describeAnswer(status)).toBe(200);
    expect(JSON.parse(status.text)).toMatchObject({ id: body.id, protocol: first.receipt!.protocol, status: 'received' });
  }

  it('accepts every valid generated submission exactly once, and a replay gets the same protocol', async () => {
    const route = fc.constantFrom<Route>('submissions', 'sync');
    await fc.assert(fc.asyncProperty(submissions().map(withFreshId), route, route, async (generated, firstRoute, replayRoute) => {
      const before = await rowCounts(server.storage);
      await expectStoredOnce(generated, await submit(firstRoute, generated.body), replayRoute, before);
    }), runs(50));
  }, TIMEOUT);

  it('stores SQL and markup verbatim in free-text answers and refuses them in every other slot', async () => {
    const cases = submissions().chain((generated) => {
      const slots = stringSlots(treeOf(generated));
      const free = slots.filter((slot) => isFreeTextSlot(generated.form, slot.path));
      const slot = free.length ? fc.oneof(fc.constantFrom(...free), fc.constantFrom(...slots)) : fc.constantFrom(...slots);
      return fc.tuple(fc.constant(generated), slot, fc.constantFrom(...INJECTION_STRINGS));
    });
    await fc.assert(fc.asyncProperty(cases, async ([generated, { path }, injection]) => {
      const before = await rowCounts(server.storage);
      const body = setAt(treeOf(withFreshId(generated)), path, injection) as unknown as GeneratedSubmission['body'];
      const first = await submit('submissions', body);
      if (isFreeTextSlot(generated.form, path)) {
        await expectStoredOnce({ ...generated, body }, first, 'sync', before);
        expect(getAt(await storedAnswers(body.id) as Tree, [path[1]!])).toBe(injection);
      } else {
        expect(refusalProblem(first.answer), `${injection} at ${path.join('.')} → ${describeAnswer(first.answer)}`).toBeNull();
        expect(await rowCounts(server.storage)).toEqual(before);
      }
    }), runs(40));
  }, TIMEOUT);

  it('answers a createdAt that JavaScript rolls over (31 February, offset +23:00) with a 4xx or stores it once', async () => {
    const cases = fc.tuple(submissions().map(withFreshId), ROLLING_TIMESTAMP);
    await fc.assert(fc.asyncProperty(cases, async ([generated, createdAt]) => {
      const before = await rowCounts(server.storage);
      const body = { ...generated.body, createdAt };
      const first = await submit('submissions', body);
      if (first.outcome === 'accepted') {
        await expectStoredOnce({ ...generated, body }, first, 'sync', before);
      } else {
        expect(refusalProblem(first.answer), `createdAt ${createdAt} → ${describeAnswer(first.answer)}`).toBeNull();
        expect(await rowCounts(server.storage)).toEqual(before);
      }
    }), runs(20));
  }, TIMEOUT);

  it('answers text that PostgreSQL cannot hold (NUL, lone surrogates) in a free-text answer with a 4xx or stores it once', async () => {
    const cases = submissions()
      .filter((generated) => freeTextSlots(generated).length > 0)
      .chain((generated) => fc.tuple(
        fc.constant(generated),
        fc.constantFrom(...freeTextSlots(generated)),
        fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\udfff\ud800'),
        fc.nat(),
      ));
    await fc.assert(fc.asyncProperty(cases, async ([generated, { path, value }, inserted, at]) => {
      const before = await rowCounts(server.storage);
      const text = value as string;
      const cut = at % (text.length + 1);
      const body = setAt(treeOf(withFreshId(generated)), path, text.slice(0, cut) + inserted + text.slice(cut)) as unknown as GeneratedSubmission['body'];
      const first = await submit('submissions', body);
      if (first.outcome === 'accepted') {
        await expectStoredOnce({ ...generated, body }, first, 'submissions', before);
      } else {
        expect(refusalProblem(first.answer), `${JSON.stringify(inserted)} in ${path.join('.')} → ${describeAnswer(first.answer)}`).toBeNull();
        expect(await rowCounts(server.storage)).toEqual(before);
      }
    }), runs(20));
  }, TIMEOUT);
});

describe('the checks and generators themselves', () => {
  it('tell the server\'s pt-BR messages from English framework defaults', () => {
    const portuguese = [...Object.values(MESSAGES), 'Deveria ser um texto.', 'Campo não previsto.', 'Valor não aceito: "request" | "evaluation" | "manifestation".', 'Algumas respostas precisam ser corrigidas.', 'O identificador precisa ser um UUID.'];
    const english = [
      'Bad Request', 'Internal Server Error', 'Unsupported Media Type: text/plain', 'Request body is too large', "Body cannot be empty when content-type is set to 'application/json'",
      'Unexpected token } in JSON at position 5', "'/api/submissions/%' is not a valid url component", 'Invalid type: Expected string but received 5', 'Route GET:/x not found',
      'invalid input syntax for type uuid', '', '   ', '404',
    ];
    expect(portuguese.filter((message) => !isPtBrMessage(message))).toEqual([]);
    expect(english.filter((message) => isPtBrMessage(message))).toEqual([]);
  });

  // The families above only prove something if their values are really invalid.
  it('make timestamps that are not instants and bytes that are not UTF-8', () => {
    const isoShape = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)$/;
    const rollsOver = (value: string) => new Date(`${value.slice(0, 10)}T00:00:00Z`).toISOString().slice(0, 10) !== value.slice(0, 10);
    const offsetHours = (value: string) => Number(/[+-](\d\d):?\d\d$/.exec(value)?.[1] ?? 0);
    fc.assert(fc.property(NOT_A_TIMESTAMP, (value) => !isoShape.test(value) || value.startsWith('0000')), { seed: SEED, numRuns: 300 });
    fc.assert(fc.property(ROLLING_TIMESTAMP, (value) => isoShape.test(value) && (rollsOver(value) || offsetHours(value) > 15)), { seed: SEED, numRuns: 300 });
    expect(isoShape.test('2024-02-29T12:00:00-03:00') && !rollsOver('2024-02-29T12:00:00-03:00')).toBe(true);
    for (const bytes of INVALID_UTF8) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat([Buffer.from(bytes), Buffer.from('a')]))).toThrow();
  });
});
