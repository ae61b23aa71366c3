/** The "Avise-me quando houver novidade" switch, with what happened said in words. */
import { useEffect, useState } from 'preact/hooks';
import { disablePush, enablePush, pushState, type PushState } from './push-subscription.ts';

export function PushOptIn() {
  const [state, setState] = useState<PushState | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void pushState().then(setState);
  }, []);
  if (state === null || state === 'unsupported') return null;
  const turnOn = async () => {
    setBusy(true);
    const result = await enablePush();
    setMessage(result.message);
    setState(await pushState());
    setBusy(false);
  };
  const turnOff = async () => {
    setBusy(true);
    await disablePush();
    setMessage('Avisos desligados neste aparelho.');
    setState(await pushState());
    setBusy(false);
  };
  return (
    <div class="stack" data-testid="push-optin">
      {state === 'on' && <button type="button" class="button button-secondary" disabled={busy} onClick={() => void turnOff()}>Parar os avisos</button>}
      {state === 'off' && <button type="button" class="button button-secondary" disabled={busy} onClick={() => void turnOn()}>Avise-me quando houver novidade</button>}
      {state === 'blocked' && <p class="field-hint">Os avisos deste site estão bloqueados nas configurações do navegador. As novidades aparecem aqui no aplicativo.</p>}
      <p role="status" class="field-hint">{message}</p>
    </div>
  );
}
