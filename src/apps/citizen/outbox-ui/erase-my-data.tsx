/** The "Sobre" page's erase button, with the warning that unsent records would be lost. */
import { useState } from 'preact/hooks';
import { getOutboxDb } from '../../../sync/outbox/db.ts';
import { countUnsent } from '../../../sync/outbox/queries.ts';
import { eraseMyData } from '../../../sync/outbox/erase.ts';

type Step = { name: 'idle' } | { name: 'confirm'; unsent: number } | { name: 'done' } | { name: 'failed' };

export default function EraseMyData() {
  const [step, setStep] = useState<Step>({ name: 'idle' });
  const ask = async () => setStep({ name: 'confirm', unsent: await countUnsent(getOutboxDb()) });
  const erase = async () => {
    try {
      await eraseMyData(getOutboxDb());
      setStep({ name: 'done' });
    } catch {
      setStep({ name: 'failed' });
    }
  };
  return (
    <section class="section stack" aria-labelledby="apagar">
      <h2 id="apagar">Apagar meus dados deste aparelho</h2>
      <p>Apaga rascunhos, pedidos e fotos guardados aqui. A Carta de Serviços continua guardada. Use quando entregar o aparelho a outra pessoa.</p>
      {step.name === 'confirm' ? (
        <div class="notice notice-error stack" role="alert">
          <p>
            {step.unsent > 0
              ? `Atenção: ${step.unsent === 1 ? '1 pedido ainda não foi enviado e será perdido' : `${step.unsent} pedidos ainda não foram enviados e serão perdidos`}. Antes, use “Salvar cópia” em Minhas solicitações ou espere ter sinal.`
              : 'Tudo o que foi enviado continua na Prefeitura; só a cópia deste aparelho será apagada.'}
          </p>
          <div class="button-row">
            <button type="button" class="button button-primary" onClick={() => void erase()} data-testid="erase-confirm">Apagar mesmo assim</button>
            <button type="button" class="button button-secondary" onClick={() => setStep({ name: 'idle' })}>Cancelar</button>
          </div>
        </div>
      ) : (
        <button type="button" class="button button-secondary" onClick={() => void ask()} data-testid="erase-start">Apagar meus dados</button>
      )}
      <p role="status">
        {step.name === 'done' ? 'Pronto: seus dados foram apagados deste aparelho.' : step.name === 'failed' ? 'Não foi possível apagar agora. Tente de novo.' : ''}
      </p>
    </section>
  );
}
