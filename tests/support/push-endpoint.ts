/**
 * A stand-in for a browser's push service, on loopback: it holds a subscription's keys (made here, as a
 * browser would), receives what the server sends, checks the VAPID signature (RFC 8292) and decrypts the
 * payload (RFC 8291, aes128gcm of RFC 8188) exactly as the browser would before handing it to the service worker.
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  path: string;
  headers: IncomingMessage['headers'];
  /** The decrypted payload, as text. */
  plaintext: string;
  /** The VAPID JWT's claims, after its ES256 signature was checked against `k`. */
  claims: { aud: string; exp: number; sub: string };
  /** The server's public key as sent in `k=`. */
  serverKey: string;
}

const b64url = (buffer: Buffer) => buffer.toString('base64url');

function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

/** RFC 8291 §3.4 and RFC 8188: decrypts one aes128gcm message for the user agent's keys. */
export function decryptPush(body: Buffer, uaPrivate: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const asPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const uaPublic = uaPrivate.getPublicKey();
  const ecdhSecret = uaPrivate.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 followed by zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('No final-record delimiter in the push payload.');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>` and returns the JWT's claims. */
function verifyVapid(header: string | undefined): { claims: ReceivedPush['claims']; key: string } {
  const match = /^vapid t=([^,]+),\s*k=(.+)$/.exec(header ?? '');
  if (!match) throw new Error(`Not a VAPID authorization: ${header}`);
  const [token, key] = [match[1]!, match[2]!];
  const [head, payload, signature] = token.split('.');
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${head}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'));
  if (!ok) throw new Error('The VAPID signature does not verify.');
  return { claims: JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), key };
}

export interface LocalPushService {
  origin: string;
  /** A subscription as `PushSubscription.toJSON()` gives it: the endpoint and the user agent's keys. */
  subscription(name?: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  received: ReceivedPush[];
  /** The next answers (default 201). */
  answers: number[];
  close(): Promise<void>;
}

export async function startLocalPushService(): Promise<LocalPushService> {
  const keysByPath = new Map<string, { ua: ReturnType<typeof createECDH>; auth: Buffer }>();
  const received: ReceivedPush[] = [];
  const answers: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const keys = keysByPath.get(request.url ?? '');
        if (!keys) throw new Error(`Unknown subscription ${request.url}`);
        const { claims, key } = verifyVapid(request.headers.authorization);
        received.push({ path: request.url!, headers: request.headers, plaintext: decryptPush(Buffer.concat(chunks), keys.ua, keys.auth), claims, serverKey: key });
        response.writeHead(answers.shift() ?? 201).end();
      } catch (error) {
        response.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    answers,
    subscription(name = randomBytes(6).toString('hex')) {
      const ua = createECDH('prime256v1');
      ua.generateKeys();
      const auth = randomBytes(16);
      keysByPath.set(`/push/${name}`, { ua, auth });
      return { endpoint: `${origin}/push/${name}`, keys: { p256dh: b64url(ua.getPublicKey()), auth: b64url(auth) } };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
