/** The drainer's one way to the server: a timeout that grows with the body, and the answers that mean "later". */
import { ApiErrorSchema, type ApiError } from '../../shared/contract/errors.ts';
import { parseAnswer } from '../../shared/contract/parse.ts';
import type { DrainReport, SyncDeps } from './deps.ts';

/**
 * A connection that stalls must not hold the sync lock forever. The allowance grows with the body so a
 * photo still goes up over 2G (about 32 kbit/s: 4 KB a second).
 */
export function requestTimeout(baseMs: number, bodyBytes: number): number {
  return baseMs + Math.ceil(bodyBytes / 4096) * 1000;
}
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export const SYNC_MESSAGES = {
  offline: 'Sem conexão com a Prefeitura. Vamos tentar de novo sozinhos.',
  serverBusy: 'O sistema da Prefeitura não respondeu agora. Vamos tentar de novo sozinhos.',
  unexpected: 'O envio não foi concluído. Vamos tentar de novo sozinhos.',
  conflict: 'Este pedido já chegou à Prefeitura com respostas diferentes. A sua cópia continua guardada aqui: use "Salvar cópia" ou procure a Ouvidoria (telefone 162).',
  photoLost: 'Uma foto deste pedido não está mais guardada no celular. Abra o pedido para corrigir, adicione a foto de novo e envie.',
  tooLarge: 'Este pedido é grande demais para enviar. Abra o pedido para corrigir e use menos fotos ou um texto menor.',
  rejected: 'A Prefeitura não aceitou algumas respostas. Abra o pedido para corrigir.',
  stuck: 'O sistema da Prefeitura responde, mas não conseguiu receber este pedido. Ele continua guardado aqui e será tentado de novo mais tarde; se puder, use "Salvar cópia" e procure a Ouvidoria (telefone 162).',
  lostByServer: 'A Prefeitura não encontrou este pedido depois de recebê-lo. Ele será enviado de novo sozinho.',
} as const;

/** A failure that is nobody's fault: try again later with backoff. */
export class TransientError extends Error {
  constructor(message: string, readonly offline: boolean, readonly retryAfterMs = 0) {
    super(message);
  }
}

/** The server answered, but not with a usable answer for this batch (500, or a body that is not ours). */
export class BatchFailure extends Error {}

export async function request(deps: SyncDeps, path: string, init: RequestInit, report: DrainReport): Promise<Response> {
  report.requests++;
  let response: Response;
  try {
    const body = init.body;
    const bytes = body instanceof Blob ? body.size : typeof body === 'string' ? body.length : 0;
    const signal = AbortSignal.timeout(requestTimeout(deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, bytes));
    response = await deps.fetch(`${deps.baseUrl ?? ''}${path}`, { ...init, credentials: init.credentials ?? 'same-origin', signal });
  } catch {
    throw new TransientError(SYNC_MESSAGES.offline, true);
  }
  // "Come back later": busy (503), full (507), too many requests (429), timed out (408). Never a record's fault.
  if (response.status === 503 || response.status === 507 || response.status === 429 || response.status === 408 || response.status === 502 || response.status === 504) {
    const retryAfter = Number(response.headers.get('retry-after'));
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(SYNC_MESSAGES.serverBusy, false, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0);
  }
  return response;
}

export async function readError(response: Response): Promise<ApiError | undefined> {
  try {
    return parseAnswer(ApiErrorSchema, await response.json()) ?? undefined;
  } catch {
    return undefined;
  }
}
