import type { ApiError } from '../../shared/contract/errors.ts';

/** An error that becomes a JSON response: a code for programs and a pt-BR message for people. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly body: ApiError) {
    super(body.error);
    this.name = 'HttpError';
  }
}

export function apiError(error: string, message: string, fields?: Record<string, string>): ApiError {
  return fields && Object.keys(fields).length ? { error, message, fields } : { error, message };
}

export const MESSAGES = {
  invalidJson: 'Corpo da requisição não é um JSON válido.',
  invalidEncoding: 'O texto enviado não está em UTF-8. Atualize o aplicativo e tente de novo.',
  emptyJson: 'O corpo da requisição está vazio.',
  tooLarge: 'O envio é grande demais.',
  unsupportedMediaType: 'Tipo de conteúdo não aceito.',
  rateLimited: 'Muitas requisições em pouco tempo. Aguarde um minuto e tente de novo.',
  notFound: 'Endereço não encontrado.',
  methodNotAllowed: 'Método não permitido neste endereço.',
  internal: 'Ocorreu um erro no servidor. Tente de novo em alguns minutos.',
  badRequest: 'Requisição inválida.',
  noCharter: 'A Carta de Serviços ainda não foi carregada no servidor. Tente de novo mais tarde.',
  diskFull: 'O servidor da Prefeitura está sem espaço para guardar envios agora. O seu envio continua guardado no celular e será enviado de novo sozinho.',
  uploadsBusy: 'Muitas fotos sendo enviadas ao mesmo tempo deste aparelho. As outras seguem em seguida.',
  saltRequired: 'Este aplicativo está desatualizado para enviar fotos. Atualize o aplicativo (recarregue a página) e tente de novo.',
} as const;

/** A contract parse's value, or a 422 naming each invalid field: what every route answers to bad input. */
export function parsed<T>(result: { ok: true; value: T } | { ok: false; fields: Record<string, string> }): T {
  if (!result.ok) throw new HttpError(422, apiError('invalid_request', 'Confira os dados informados.', result.fields));
  return result.value;
}

/** No charter is installed yet: the server cannot judge submissions or serve the charter. */
export class NoCharterError extends HttpError {
  constructor() {
    super(503, apiError('no_charter', MESSAGES.noCharter));
  }
}
