/** "Enviar agora" and "Salvar cópia", with what happened said in words. */
import { useState } from 'preact/hooks';
import { requestSync } from '../../../sync/drain/sync-engine.ts';
import { saveOutboxCopy } from './save-copy.ts';

export function OutboxActions({ waiting }: { waiting: number }) {
  const [message, setMessage] = useState<{ text: string; error?: boolean } | undefined>();
  const [busy, setBusy] = useState(false);
  if (waiting === 0 && !message) return null;
  const sendNow = async () => {
    setBusy(true);
    setMessage({ text: 'Enviando…' });
    try {
      const report = await requestSync('manual');
      if (report.offline) setMessage({ text: 'Sem conexão agora. Os envios continuam guardados e seguem sozinhos quando houver sinal.', error: true });
      else if (report.pending > 0) setMessage({ text: 'Parte dos envios ainda está aguardando. Vamos tentar de novo sozinhos.', error: true });
      else setMessage({ text: report.sent > 0 ? `Pronto: ${report.sent === 1 ? '1 envio chegou' : `${report.sent} envios chegaram`} à Prefeitura.` : 'Nada aguardando envio.' });
    } catch {
      setMessage({ text: 'Não foi possível enviar agora. Os envios continuam guardados.', error: true });
    } finally {
      setBusy(false);
    }
  };
  const saveCopy = async () => {
    try {
      const { saved: count, leftOut } = await saveOutboxCopy();
      // A denúncia never goes in the file: carried to a counter, it would lose what the channel protects.
      const integrityWords = leftOut > 0 ? ' A denúncia ao Canal de Integridade não entra na cópia: ela segue sozinha quando houver sinal (ou denuncie pelo 162).' : '';
      setMessage({ text: (count === 1 ? 'Cópia salva com 1 envio. Leve o arquivo a um posto da Prefeitura se o celular nunca conseguir sinal.' : `Cópia salva com ${count} envios. Leve o arquivo a um posto da Prefeitura se o celular nunca conseguir sinal.`) + integrityWords });
    } catch {
      setMessage({ text: 'Não foi possível salvar a cópia neste aparelho.', error: true });
    }
  };
  return (
    <div class="stack">
      {waiting > 0 && (
        <div class="button-row">
          <button type="button" class="button button-primary" onClick={() => void sendNow()} disabled={busy} data-testid="send-now">Enviar agora</button>
          <button type="button" class="button button-secondary" onClick={() => void saveCopy()}>Salvar cópia</button>
        </div>
      )}
      <p role="status" class={message?.error ? 'field-error' : undefined}>{message?.text ?? ''}</p>
    </div>
  );
}
