import { appStore, useAppStore } from '../state/app-store.ts';

export function isIos(): boolean {
  return /iphone|ipad|ipod/i.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
}

/** Android (beforeinstallprompt) gets a button; iPhone gets the steps, since Safari has no install prompt. */
export function InstallInvitation({ alwaysShowIosSteps = false }: { alwaysShowIosSteps?: boolean }) {
  const prompt = useAppStore((s) => s.installPrompt);
  const standalone = useAppStore((s) => s.standalone);
  if (standalone) return null;

  if (prompt) {
    const install = async () => {
      await prompt.prompt();
      await prompt.userChoice.catch(() => undefined);
      appStore.setState({ installPrompt: null });
    };
    return (
      <section class="card stack" aria-labelledby="instalar">
        <h2 id="instalar">Instale o aplicativo</h2>
        <p>Com o aplicativo na tela inicial, os serviços abrem mais rápido e funcionam sem internet.</p>
        <button type="button" class="button button-primary" onClick={() => void install()}>
          Instalar o aplicativo
        </button>
      </section>
    );
  }

  if (!alwaysShowIosSteps && !isIos()) return null;
  return (
    <section class="card stack" aria-labelledby="instalar-iphone">
      <h2 id="instalar-iphone">Como instalar no iPhone</h2>
      <ol class="steps">
        <li>Abra este site no Safari.</li>
        <li>Toque no botão Compartilhar (um quadrado com uma seta para cima), na parte de baixo da tela.</li>
        <li>Role a lista e toque em “Adicionar à Tela de Início”.</li>
        <li>Toque em “Adicionar”. O ícone do Conecta Conquista aparece na tela inicial.</li>
      </ol>
      <p class="muted">No iPhone, abra o aplicativo pelo menos uma vez por semana para os dados não serem apagados.</p>
    </section>
  );
}
