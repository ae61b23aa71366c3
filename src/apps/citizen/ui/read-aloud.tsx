import { useEffect, useState } from 'preact/hooks';

/** "Ouvir": reads a text aloud in pt-BR with the browser's own voice. Hidden where there is none. */
export function ReadAloudButton({ text }: { text: string }) {
  const [speaking, setSpeaking] = useState(false);
  const supported = typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;
  useEffect(() => () => {
    if (supported) window.speechSynthesis.cancel();
  }, [supported]);
  if (!supported) return null;

  const toggle = () => {
    const synth = window.speechSynthesis;
    if (speaking) {
      synth.cancel();
      setSpeaking(false);
      return;
    }
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = 'pt-BR';
    utterance.rate = 0.95;
    const voice = synth.getVoices().find((v) => v.lang.replace('_', '-').toLowerCase() === 'pt-br');
    if (voice) utterance.voice = voice;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    synth.cancel();
    synth.speak(utterance);
    setSpeaking(true);
  };
  return (
    <button type="button" class="button button-secondary" aria-pressed={speaking} onClick={toggle}>
      {speaking ? 'Parar a leitura' : 'Ouvir'}
    </button>
  );
}
