/**
 * The polite live region of the shell (#anuncio, in gestao/index.html): results of actions that have no
 * visible place of their own are read out without moving focus. Cleared first, so the same words twice
 * are read twice.
 */
let timer: ReturnType<typeof setTimeout> | undefined;

export function announce(text: string): void {
  const region = document.getElementById('anuncio');
  if (!region) return;
  region.textContent = '';
  clearTimeout(timer);
  timer = setTimeout(() => {
    region.textContent = text;
  }, 100);
}
