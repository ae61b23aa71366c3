import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, fileAddress, readJson, startServer, TEST_SALT, type TestServer } from '../support/server.ts';
import { MAX_ATTACHMENT_BYTES } from '../../src/shared/contract/submissions.ts';
import { readAttachment } from '../../src/server/storage/attachment-store.ts';

const sha256 = (bytes: Buffer) => fileAddress(bytes);
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
const PDF = Buffer.from('%PDF-1.4\n% comprovante de residência\n');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(24)]);

describe.each(BACKENDS)('attachments on %s', (backend) => {
  let server: TestServer;
  const put = (hash: string, body: Buffer, type: string) =>
    fetch(`${server.url}/api/attachments/${hash}`, { method: 'PUT', headers: { 'content-type': type, 'x-attachment-salt': TEST_SALT }, body });
  const head = (hash: string) => fetch(`${server.url}/api/attachments/${hash}`, { method: 'HEAD' });
  beforeAll(async () => { server = await startServer({ backend }); });
  afterAll(async () => { await server?.close(); });

  it('stores a file under its salted address (201), again is harmless (201 again), and HEAD tells whether it is there', async () => {
    const bytes = jpeg();
    const hash = sha256(bytes);
    expect((await head(hash)).status).toBe(404);
    const created = await put(hash, bytes, 'image/jpeg');
    expect(created.status).toBe(201);
    expect(await readJson(created)).toEqual({ sha256: hash, type: 'image/jpeg', size: bytes.length });
    expect((await put(hash, bytes, 'image/jpeg')).status).toBe(201);
    expect((await head(hash)).status).toBe(200);
    const stored = await readAttachment(server.storage, hash);
    expect(Buffer.from(stored!.bytes).equals(bytes)).toBe(true);
  });

  it('accepts PDF and WebP by their signatures', async () => {
    expect((await put(sha256(PDF), PDF, 'application/pdf')).status).toBe(201);
    expect((await put(sha256(WEBP), WEBP, 'image/webp')).status).toBe(201);
  });

  it('refuses bytes that do not hash to the address (422)', async () => {
    const bytes = jpeg();
    const response = await put(sha256(jpeg()), bytes, 'image/jpeg');
    expect(response.status).toBe(422);
    expect(await readJson(response)).toMatchObject({ error: 'hash_mismatch', message: expect.any(String) });
    expect((await head(sha256(bytes))).status).toBe(404);
  });

  it('refuses a content type outside JPEG, PNG, WebP and PDF, and content that is not the declared type (415)', async () => {
    const text = Buffer.from('not an image');
    const wrongType = await put(sha256(text), text, 'text/plain');
    expect(wrongType.status).toBe(415);
    expect((await readJson(wrongType)).message).toMatch(/não aceito/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await put(sha256(svg), svg, 'image/svg+xml')).status).toBe(415);
    const pretending = await put(sha256(PDF), PDF, 'image/png');
    expect(pretending.status).toBe(415);
    expect((await readJson(pretending)).error).toBe('type_mismatch');
  });

  it('refuses a file over the size limit with 413', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    const response = await put(sha256(big), big, 'image/jpeg');
    expect(response.status).toBe(413);
    expect(await readJson(response)).toEqual({ error: 'payload_too_large', message: 'O envio é grande demais.' });
  });

  it('answers 400 for an address that is not a lowercase SHA-256', async () => {
    const bytes = jpeg();
    for (const address of ['abc', sha256(bytes).toUpperCase(), `${sha256(bytes)}0`]) {
      const response = await put(address, bytes, 'image/jpeg');
      expect(response.status, address).toBe(400);
      expect((await readJson(response)).error).toBe('invalid_hash');
    }
  });
});
