/** Raised when the phone's storage refuses a write; the transaction was rolled back, nothing half-written. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor() {
    super('O armazenamento do celular está cheio. Libere espaço (apague fotos, vídeos ou aplicativos que não usa) e tente de novo. O que você escreveu continua na tela.');
  }
}

export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, inner } = error as { name?: string; inner?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (inner !== undefined && isQuotaError(inner));
}

/** Runs a write, turning a full disk into the person's message. */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError();
    throw error;
  }
}
