/**
 * /gestao/carta — importing a new Carta de Serviços from a JSON file: the server validates it exactly as
 * `npm run charter:import` does and either installs it whole or changes nothing and lists every problem
 * with its place in the file.
 */
import { useRef, useState } from 'preact/hooks';
import { CharterImportResultSchema } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { ApiFailure, api, failureWords } from '../api.ts';
import { forgetDirectory } from '../directory.ts';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { plural } from '../ui/words.ts';

const MAX_BYTES = 20 * 1024 * 1024;

type Outcome =
  | { kind: 'installed'; version: string; installed: boolean; services: number; newFormVersions: number }
  | { kind: 'refused'; message: string; fields: [string, string][] };

export default function CharterPage(_props: PageProps) {
  useStaffPageTitle('Carta de Serviços');
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [fileError, setFileError] = useState('');

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const file = input.current?.files?.[0];
    setOutcome(null);
    if (!file) {
      setFileError('Escolha o arquivo JSON da Carta de Serviços.');
      input.current?.focus();
      return;
    }
    if (file.size > MAX_BYTES) {
      setFileError('O arquivo passa de 20 MB, o limite para importar.');
      return;
    }
    setFileError('');
    setBusy(true);
    try {
      const text = await file.text();
      try {
        JSON.parse(text);
      } catch (error) {
        setOutcome({ kind: 'refused', message: 'O arquivo não é um JSON válido; nada foi mudado.', fields: [['arquivo', error instanceof Error ? error.message : 'JSON inválido.']] });
        return;
      }
      const result = await api(CharterImportResultSchema, '/api/gestao/charter', { method: 'POST', body: text });
      forgetDirectory();
      setOutcome({ kind: 'installed', ...result });
    } catch (error) {
      setOutcome({ kind: 'refused', message: failureWords(error), fields: error instanceof ApiFailure ? Object.entries(error.fields) : [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page stack">
      <h1>Carta de Serviços</h1>
      <p>Importe a nova versão da Carta de Serviços (o arquivo JSON). Ela é conferida inteira antes de entrar no ar: se houver qualquer problema, nada muda e a lista de problemas aparece aqui, cada um com o seu lugar no arquivo.</p>
      <p class="field-hint">Um formulário que mudou precisa de um número de versão novo: pedidos feitos com a versão antiga continuam valendo.</p>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for="arquivo-carta">Arquivo da Carta de Serviços (JSON)</label>
          {fileError && <p id="arquivo-carta-erro" class="field-error">{fileError}</p>}
          <input id="arquivo-carta" ref={input} type="file" accept=".json,application/json" aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'arquivo-carta-erro' : undefined} />
        </div>
        <p><button type="submit" class="button button-primary" aria-disabled={busy ? 'true' : undefined}>{busy ? 'Conferindo e importando…' : 'Importar'}</button></p>
      </form>
      <div role="status" aria-live="polite" data-testid="charter-outcome">
        {outcome?.kind === 'installed' && (
          <div class="notice notice-success">
            <p>{outcome.installed ? `Versão ${outcome.version} importada e já no ar` : `A versão ${outcome.version} já era a atual; nada mudou`}: {plural(outcome.services, 'serviço', 'serviços')}, {plural(outcome.newFormVersions, 'versão nova de formulário', 'versões novas de formulário')}.</p>
          </div>
        )}
      </div>
      {outcome?.kind === 'refused' && (
        <div class="notice notice-error stack" role="alert" data-testid="charter-errors">
          <p>{outcome.message}</p>
          {outcome.fields.length > 0 && (
            <>
              <p>{plural(outcome.fields.length, 'problema encontrado', 'problemas encontrados')}:</p>
              <ul class="plain-list error-list">
                {outcome.fields.map(([path, message]) => <li key={path}><code>{path}</code>: {message}</li>)}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
