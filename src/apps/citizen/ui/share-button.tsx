/** "Compartilhar": the phone's share sheet where it exists, otherwise a WhatsApp link. */
export function ShareButton({ title, url }: { title: string; url: string }) {
  const text = `${title} – Conecta Conquista`;
  if (typeof navigator !== 'undefined' && typeof navigator.share === 'function') {
    const share = () => navigator.share({ title: text, text, url }).catch(() => undefined);
    return (
      <button type="button" class="button button-secondary" onClick={() => void share()}>
        Compartilhar
      </button>
    );
  }
  return (
    <a class="button button-secondary" href={`https://wa.me/?text=${encodeURIComponent(`${text}: ${url}`)}`} target="_blank" rel="noopener noreferrer">
      Compartilhar no WhatsApp<span class="visually-hidden"> (abre em outra janela)</span>
    </a>
  );
}
