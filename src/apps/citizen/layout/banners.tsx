import { appStore, useAppStore } from '../state/app-store.ts';

/** The update prompt. A new version is only applied when the person asks: nothing they type is lost. */
export function Banners() {
  const updateAvailable = useAppStore((s) => s.updateAvailable);
  const applyUpdate = useAppStore((s) => s.applyUpdate);
  if (!updateAvailable) return null;
  return (
    <div class="banner notice">
      <p>
        <strong>Nova versão disponível.</strong> Atualize quando terminar o que está fazendo.
      </p>
      <div class="button-row">
        <button type="button" class="button button-primary" onClick={() => applyUpdate?.()}>
          Atualizar agora
        </button>
        <button type="button" class="button button-secondary" onClick={() => appStore.setState({ updateAvailable: false })}>
          Depois
        </button>
      </div>
    </div>
  );
}
