/** A one-time link shown once: the link in a read-only field and a "Copiar" button that says whether it worked. */
import { useRef, useState } from 'preact/hooks';
import { dateTimeWords } from './words.ts';

export function OneTimeLink({ id, link, expiresAt, intro }: { id: string; link: string; expiresAt: string; intro: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copiado. Cole-o numa mensagem para a pessoa.');
    } catch {
      field.current?.select();
      setCopied('Não foi possível copiar sozinho: o link está selecionado, use Ctrl+C (ou toque e segure para copiar).');
    }
  };
  return (
    <div class="notice notice-success stack one-time-link" data-testid="one-time-link">
      <p>{intro}</p>
      <p><strong>Este link aparece só agora</strong> e vale até {dateTimeWords(expiresAt)}. Quem abrir o link escolhe a senha da conta; envie-o só para a própria pessoa.</p>
      <div class="field">
        <label for={id}>Link para escolher a senha</label>
        <input id={id} ref={field} type="text" readOnly value={link} onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />
      </div>
      <p><button type="button" class="button button-primary" onClick={() => void copy()}>Copiar link</button></p>
      <p role="status">{copied}</p>
    </div>
  );
}
