import { charterStore, type CharterState } from '../charter/charter-store.ts';
import { useAppStore, type OfflineCopyState } from '../state/app-store.ts';
import { useStore } from '../state/use-store.ts';
import { formatDateTime } from '../ui/format.ts';

const KEEP_SIGNAL = 'Mantenha a internet ligada até terminar.';

interface Readiness {
  /** Announced when it changes (a polite live region): the phase only, never each step of the percentage. */
  headline: string;
  percent?: number;
  detail: string;
}

/**
 * "Pronto para usar sem internet" only when it is true: a service worker controls this page with every
 * file of the app saved, and the charter is stored. Until then, what is still being saved.
 */
function readinessOf(copy: OfflineCopyState, charter: CharterState, online: boolean): Readiness {
  const stored = charter.charter !== undefined && charter.storedAt !== undefined;
  const services = stored ? `${charter.charter!.services.length} serviços guardados no aparelho` : '';
  if (copy.phase === 'checking') return { headline: '', detail: '' };
  if (copy.phase === 'unavailable') {
    return { headline: 'Este navegador não guarda o aplicativo.', detail: `Sem internet, ele não abre.${stored ? ` ${services}.` : ''}` };
  }
  if (copy.phase === 'saving' || !copy.controlled) {
    return {
      headline: 'Guardando o aplicativo no aparelho…',
      // Never 100 % before it is done; nothing before the worker has said anything.
      percent: copy.progress > 0 ? Math.min(99, Math.floor(copy.progress * 100)) : undefined,
      detail: copy.stalled || !online ? 'Sem conexão agora: continua quando a internet voltar.' : KEEP_SIGNAL,
    };
  }
  if (!stored) {
    return charter.error
      ? { headline: 'Falta guardar a Carta de Serviços.', detail: 'Toque em “Tentar de novo” quando houver internet.' }
      : { headline: 'Guardando a Carta de Serviços…', detail: KEEP_SIGNAL };
  }
  return { headline: 'Pronto para usar sem internet.', detail: `${services}, conferidos em ${formatDateTime(charter.updatedAt)}.` };
}

const selectCharter = (state: CharterState) => state;

/** The home page's line about the copy on the phone. Its box keeps one height in every state (see .readiness): nothing below it moves. */
export function OfflineReadiness() {
  const copy = useAppStore((s) => s.offlineCopy);
  const online = useAppStore((s) => s.online);
  const charter = useStore(charterStore, selectCharter);
  const { headline, percent, detail } = readinessOf(copy, charter, online);
  return (
    <div class="readiness" data-testid="offline-readiness">
      <p class="readiness-headline">
        <span role="status">{headline}</span>
        {percent !== undefined ? ` ${percent} %` : null}
      </p>
      <p class="readiness-detail">{detail}</p>
    </div>
  );
}
