import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { charterStore, refreshCharterNow } from '../charter/charter-store.ts';
import { useStore } from '../state/use-store.ts';
import { useAppStore } from '../state/app-store.ts';
import { formatBytes, formatDateTime } from '../ui/format.ts';
import EraseMyData from '../outbox-ui/erase-my-data.tsx';
import { InstallInvitation } from '../ui/install-invitation.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';

interface StorageFacts {
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

export default function AboutPage(_props: PageProps) {
  usePageTitle('Sobre e privacidade');
  return (
    <div class="page stack">
      <h1>Sobre o aplicativo e seus dados</h1>
      <p>
        O Conecta Conquista mostra a Carta de Serviços da Prefeitura de Vitória da Conquista (Lei nº 13.460/2017): como pedir cada serviço, o que levar,
        prazos, custos, endereços e horários. Depois da primeira visita com internet, tudo funciona sem sinal.
      </p>

      <StoredOnDevice />

      <Privacy />

      <EraseMyData />

      <InstallInvitation alwaysShowIosSteps />
    </div>
  );
}

/** What this phone keeps (the charter, the space used, whether it is kept for good) and the buttons to keep it or check for a newer charter. */
function StoredOnDevice() {
  const { charter } = useCharter();
  const bytes = useStore(charterStore, (s) => s.bytes);
  const storedAt = useStore(charterStore, (s) => s.storedAt);
  const updatedAt = useStore(charterStore, (s) => s.updatedAt);
  const refreshing = useStore(charterStore, (s) => s.refreshing);
  const online = useAppStore((s) => s.online);
  const [storage, setStorage] = useState<StorageFacts | null>(null);
  const [persistAnswer, setPersistAnswer] = useState<string>('');

  const loadStorage = () => import('../pwa/storage.ts').then((m) => m.storageReport()).then(setStorage);
  useEffect(() => {
    void loadStorage();
  }, [bytes]);

  const askPersist = async () => {
    const { requestPersistentStorage } = await import('../pwa/storage.ts');
    const granted = await requestPersistentStorage();
    setPersistAnswer(granted ? 'Pronto: o navegador vai manter os dados guardados.' : 'O navegador não aceitou agora. Instalar o aplicativo costuma resolver.');
    await loadStorage();
  };

  return (
    <section class="section stack" aria-labelledby="guardado">
      <h2 id="guardado">O que está guardado neste aparelho</h2>
      <dl class="facts">
        <dt>Carta de Serviços</dt>
        <dd>
          {charter
            ? `${charter.services.length} serviços, ${charter.forms.length} formulários e ${charter.secretariats.length} secretarias (versão ${charter.version}, publicada em ${formatDateTime(charter.publishedAt)}).`
            : 'Ainda não baixada.'}
        </dd>
        <dt>Tamanho da Carta de Serviços</dt>
        <dd>{formatBytes(bytes)}</dd>
        <dt>Baixada em</dt>
        <dd>{formatDateTime(storedAt)}</dd>
        <dt>Última conferência com a Prefeitura</dt>
        <dd>{formatDateTime(updatedAt)}</dd>
        <dt>Espaço usado pelo aplicativo</dt>
        <dd>
          {storage ? `${formatBytes(storage.usage)}${storage.quota ? ` de ${formatBytes(storage.quota)} disponíveis` : ''}` : 'Calculando…'}
        </dd>
        <dt>Guardado de forma permanente</dt>
        <dd>{storage?.persisted === undefined ? 'Não informado pelo navegador' : storage.persisted ? 'Sim' : 'Não: o navegador pode apagar os dados se faltar espaço'}</dd>
      </dl>
      <p>Também ficam no aparelho os pedidos e rascunhos que você fizer, até serem enviados para a Prefeitura (veja em “Minhas solicitações”).</p>
      <div class="button-row">
        {storage && storage.persisted === false ? (
          <button type="button" class="button button-secondary" onClick={() => void askPersist()}>
            Manter os dados guardados
          </button>
        ) : null}
        <button type="button" class="button button-secondary" disabled={refreshing || !online} onClick={() => refreshCharterNow({ force: true })}>
          {refreshing ? 'Verificando…' : 'Verificar atualização dos serviços'}
        </button>
      </div>
      <p role="status">{persistAnswer}</p>
    </section>
  );
}

function Privacy() {
  return (
    <section class="section stack" aria-labelledby="privacidade">
      <h2 id="privacidade">Privacidade</h2>
      <ul class="plain-list">
        <li>O aplicativo não usa propaganda nem rastreamento.</li>
        <li>Seus dados (CPF, nome, telefone, respostas e fotos) só são enviados à Prefeitura quando você manda um pedido, e só são usados para atender esse pedido (Lei Geral de Proteção de Dados, Lei nº 13.709/2018).</li>
        <li>Para manifestações à Ouvidoria, você não precisa se identificar.</li>
        <li>Se outra pessoa usa este aparelho, ela pode ver o que está guardado nele.</li>
      </ul>
    </section>
  );
}
