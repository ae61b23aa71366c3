import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestStorage, postJson, potholeRequest, readJson, startServer, type TestServer } from '../support/server.ts';
import type { Storage } from '../../src/server/storage/types.ts';

const STYLE = 'body{margin:0}';
const EXPECTED_STYLE_HASH = "'sha256-" + (await import('node:crypto')).createHash('sha256').update(STYLE).digest('base64') + "'";

describe('HTTP errors are JSON with pt-BR messages', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });
  const post = (body: string, type = 'application/json', path = '/api/submissions') =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('400 for malformed JSON', async () => {
    const response = await post('{"id": "abc", ');
    expect(response.status).toBe(400);
    expect(await readJson(response)).toEqual({ error: 'invalid_json', message: 'Corpo da requisição não é um JSON válido.' });
  });

  it('400 for __proto__ and constructor.prototype keys, without polluting anything', async () => {
    for (const body of ['{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}']) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      expect((await readJson(response)).error).toBe('invalid_json');
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('400 for an empty body', async () => {
    const response = await fetch(`${server.url}/api/submissions`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect((await readJson(response)).message).toMatch(/vazio/);
  });

  it('404 for unknown /api routes and 405 for a known route with another method', async () => {
    const unknown = await fetch(`${server.url}/api/does-not-exist`);
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toEqual({ error: 'not_found', message: 'Endereço não encontrado.' });
    const wrongMethod = await fetch(`${server.url}/api/charter`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    expect((await readJson(wrongMethod)).error).toBe('method_not_allowed');
    expect((await fetch(`${server.url}/api/submissions`)).status).toBe(405);
    expect((await fetch(`${server.url}/api/submissions/${crypto.randomUUID()}`, { method: 'PUT' })).status).toBe(405);
  });

  it('413 for a body over the limit', async () => {
    const huge = JSON.stringify({ ...potholeRequest(), padding: 'x'.repeat(1024 * 1024) });
    const response = await post(huge);
    expect(response.status).toBe(413);
    expect(await readJson(response)).toEqual({ error: 'payload_too_large', message: 'O envio é grande demais.' });
  });

  it('415 for a content type the API does not read', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await post('a=1', type);
      expect(response.status, type).toBe(415);
      expect((await readJson(response)).error).toBe('unsupported_media_type');
    }
  });

  it('sends the security headers on every response', async () => {
    for (const path of ['/api/health', '/api/charter', '/api/nowhere', '/']) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('permissions-policy')).toContain('geolocation=(self)');
      expect(response.headers.get('permissions-policy')).toContain('camera=(self)');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  it('without a build, GET / explains in pt-BR how to build the app', async () => {
    const response = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('npm run build');
  });
});

describe('500: a failing database gives a generic pt-BR message and no detail', () => {
  it('hides the error', async () => {
    const { storage, dispose } = await openTestStorage('pglite');
    const broken: Storage = { ...storage, query: async () => { throw new Error('relation "secret_table" at 10.0.0.5 does not exist'); } };
    const lines: string[] = [];
    const server = await startServer({ storage: broken, charter: false, integrityContent: false, logger: { level: 'info', stream: { write: (line: string) => { lines.push(line); } } } });
    try {
      const response = await fetch(`${server.url}/api/charter`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 'internal_error', message: 'Ocorreu um erro no servidor. Tente de novo em alguns minutos.' });
      expect(text).not.toContain('secret_table');
      const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request failed');
      expect(logged?.error).toMatchObject({ name: 'Error', frames: expect.any(Array) });
      expect(lines.join('')).not.toContain('secret_table');
    } finally {
      await server.close();
      await dispose();
    }
  });
});

describe('rate limit per client', () => {
  it('answers 429 in pt-BR past the limit', async () => {
    const server = await startServer({ rateLimit: { max: 3, timeWindow: '1 minute' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${server.url}/api/charter`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await fetch(`${server.url}/api/charter`);
      expect(await readJson(limited)).toEqual({ error: 'rate_limited', message: expect.stringContaining('Aguarde') });
      expect(limited.headers.get('retry-after')).toBeTruthy();
    } finally {
      await server.close();
    }
  });
});

describe('static PWA', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conecta-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html lang="pt-BR"><head><style>${STYLE}</style><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="app">${'Conecta Conquista '.repeat(100)}</div></body></html>`);
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"Conecta Conquista"}');
    server = await startServer({ staticDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets as immutable for a year, and the shell, sw.js and manifest as no-cache', async () => {
    const asset = await fetch(`${server.url}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/sw.js', '/manifest.webmanifest']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('answers a deep link that accepts HTML with index.html, compressed', async () => {
    const response = await fetch(`${server.url}/servicos/tapa-buraco`, { headers: { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="app">');
  });

  it('does not answer /api or non-HTML requests with the shell', async () => {
    const api = await fetch(`${server.url}/api/unknown`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect((await readJson(api)).error).toBe('not_found');
    expect((await fetch(`${server.url}/assets/missing.js`, { headers: { accept: '*/*' } })).status).toBe(404);
  });

  it('allows the inline styles of index.html by hash in the CSP', async () => {
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy')!;
    expect(csp).toContain(`style-src 'self' ${EXPECTED_STYLE_HASH};`);
  });
});

describe.each(BACKENDS)('logs on %s', (backend) => {
  it('carry method, route, status and duration, never personal data', async () => {
    const lines: string[] = [];
    const server = await startServer({ backend, logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line); } } } });
    try {
      const submission = potholeRequest();
      expect((await postJson(`${server.url}/api/submissions`, submission)).status).toBe(201);
      const invalid = potholeRequest({ answers: { ...(submission.answers as object), cpf: '123.456.789-00', telefone: '(77) 3333' } });
      expect((await postJson(`${server.url}/api/submissions`, invalid)).status).toBe(422);
      expect((await postJson(`${server.url}/api/submissions`, `{"nome": "Maria da Conceição Souza", "cpf": "529.982.247-25"`)).status).toBe(400);
      await fetch(`${server.url}/api/submissions/${submission.id}?cpf=52998224725`);
      await postJson(`${server.url}/api/sync`, { submissions: [invalid] });
    } finally {
      await server.close();
    }
    const log = lines.join('');
    const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    expect(requestLines[0]).toMatchObject({ method: 'POST', route: '/api/submissions', status: 201, ms: expect.any(Number) });
    for (const secret of ['Maria', 'Conceição', '529.982.247-25', '52998224725', '123.456.789-00', '98888-7777', '(77) 3333', 'Buraco grande']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
