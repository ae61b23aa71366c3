/** Storage facts for "Sobre", and the request that keeps the browser from clearing the charter and the outbox. */

export interface StorageReport {
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

export async function requestPersistentStorage(): Promise<boolean | undefined> {
  if (!navigator.storage?.persist) return undefined;
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return undefined;
  }
}

export async function storageReport(): Promise<StorageReport> {
  const report: StorageReport = {};
  try {
    if (navigator.storage?.estimate) {
      const estimate = await navigator.storage.estimate();
      report.usage = estimate.usage;
      report.quota = estimate.quota;
    }
    if (navigator.storage?.persisted) report.persisted = await navigator.storage.persisted();
  } catch {
    // Some browsers refuse these in private mode; the page says "não informado".
  }
  return report;
}
