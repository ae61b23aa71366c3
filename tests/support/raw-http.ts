/**
 * HTTP at the byte level, for bad-input tests: fetch would re-encode a body it is handed as a string,
 * add a content type of its own and normalise the path, which is exactly what these tests must control.
 */
import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as is, percent-escapes and all. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends one request and resolves with the answer. The server may answer (413, 415) and close before the
 * whole body is written; a write error after the answer arrived is then expected, not a failure.
 */
export function rawRequest(baseUrl: string, { method, path, headers = {}, body }: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = request({ host: hostname, port, method, path, headers, agent }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body !== undefined) {
      // An explicit length, so that even an empty body is a body of length 0 and not a chunked stream.
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) outgoing.setHeader('content-length', body.length);
      outgoing.end(body);
    } else {
      outgoing.end();
    }
  });
}

export function closeRawAgent(): void {
  agent.destroy();
}
