/**
 * Names from the Carta de Serviços (GET /api/charter, revalidated with its ETag): secretariats, services
 * and districts for the filters, the rows and the transfer list. Read once per page load, parsed with
 * CharterDirectorySchema (only the parts the back office uses).
 */
import { useEffect, useState } from 'preact/hooks';
import { CharterDirectorySchema, type CharterDirectory } from '../../shared/contract/staff.ts';
import { api } from './api.ts';

let loading: Promise<CharterDirectory> | undefined;

export function loadDirectory(): Promise<CharterDirectory> {
  loading ??= api(CharterDirectorySchema, '/api/charter', { cache: 'no-cache' }).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The directory, or null while it loads (or when there is no charter: names then show as their ids). */
export function useDirectory(): CharterDirectory | null {
  const [directory, setDirectory] = useState<CharterDirectory | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadDirectory().then((found) => !cancelled && setDirectory(found), () => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return directory;
}

/** Forget the directory (a new charter was imported). */
export function forgetDirectory(): void {
  loading = undefined;
}

export function secretariatName(directory: CharterDirectory | null, id: string): string {
  return directory?.secretariats.find((s) => s.id === id)?.name ?? id;
}

export function districtName(directory: CharterDirectory | null, id: string): string {
  return directory?.districts.find((d) => d.id === id || d.name === id)?.name ?? id;
}
