import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** One stretch read in one go; "Próxima parte" skips to the next. */
export interface ReadAloudPart {
  title: string;
  text: string;
}

type Reading =
  | { state: 'idle' }
  | { state: 'looking-for-voice' }
  | { state: 'playing'; index: number }
  | { state: 'paused'; index: number }
  | { state: 'no-voice' };

/** Android fills the voice list a moment after the first call; an empty list is not yet a "no". */
const VOICE_WAIT_MS = 1500;
/** Errors that mean the phone cannot speak Portuguese at all, as opposed to being interrupted. */
const NO_VOICE_ERRORS = new Set(['language-unavailable', 'voice-unavailable', 'synthesis-unavailable']);

function isPortuguese(voice: SpeechSynthesisVoice, exact: boolean): boolean {
  const lang = voice.lang.replace('_', '-').toLowerCase();
  return exact ? lang === 'pt-br' : lang.startsWith('pt');
}

/** A pt-BR voice, else any Portuguese one (a Portugal voice is still understood), else undefined. */
async function portugueseVoice(synth: SpeechSynthesis): Promise<SpeechSynthesisVoice | undefined> {
  const pick = () => {
    const voices = synth.getVoices();
    return voices.find((v) => isPortuguese(v, true)) ?? voices.find((v) => isPortuguese(v, false));
  };
  if (synth.getVoices().length > 0) return pick();
  await new Promise<void>((resolve) => {
    const done = () => {
      synth.removeEventListener('voiceschanged', done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, VOICE_WAIT_MS);
    synth.addEventListener('voiceschanged', done);
  });
  return pick();
}

/**
 * "Ouvir": reads the parts aloud one at a time in pt-BR with the phone's own voice, going on to the next
 * part by itself, with pause, next and stop. Pausing stops the part and "Continuar" starts it again:
 * speechSynthesis.pause() does nothing or ends the speech on many Android phones, and parts are short.
 * Hidden where the browser cannot speak at all; says how to install a voice where Portuguese is missing.
 */
export function ReadAloud({ parts }: { parts: readonly ReadAloudPart[] }) {
  const [reading, setReading] = useState<Reading>({ state: 'idle' });
  const supported = typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;
  const voice = useRef<SpeechSynthesisVoice | undefined>(undefined);
  /** Only the latest utterance may move the reading on: a cancelled one still fires its end event. */
  const turn = useRef(0);
  const mainButton = useRef<HTMLButtonElement>(null);

  useEffect(() => () => {
    turn.current++;
    if (supported) window.speechSynthesis.cancel();
  }, [supported]);
  if (!supported) return null;
  const synth = window.speechSynthesis;

  const speak = (index: number) => {
    const mine = ++turn.current;
    const utterance = utteranceFor(parts[index]!, voice.current);
    utterance.onend = () => {
      if (mine !== turn.current) return;
      if (index + 1 < parts.length) speak(index + 1);
      else setReading({ state: 'idle' });
    };
    utterance.onerror = (event) => {
      if (mine !== turn.current) return;
      setReading({ state: NO_VOICE_ERRORS.has(event.error) ? 'no-voice' : 'idle' });
    };
    synth.cancel();
    synth.speak(utterance);
    setReading({ state: 'playing', index });
  };

  const start = async () => {
    setReading({ state: 'looking-for-voice' });
    voice.current = await portugueseVoice(synth);
    if (!voice.current) setReading({ state: 'no-voice' });
    else speak(0);
  };

  const halt = (next: Reading) => {
    turn.current++;
    synth.cancel();
    setReading(next);
  };

  const stop = () => {
    halt({ state: 'idle' });
    mainButton.current?.focus();
  };

  const onMain = () => {
    if (reading.state === 'playing') halt({ state: 'paused', index: reading.index });
    else if (reading.state === 'paused') speak(reading.index);
    else if (reading.state !== 'looking-for-voice') void start();
  };

  return <ReadAloudControls reading={reading} parts={parts} mainButton={mainButton} onMain={onMain} onNext={speak} onStop={stop} />;
}

function utteranceFor(part: ReadAloudPart, voice: SpeechSynthesisVoice | undefined): SpeechSynthesisUtterance {
  const utterance = new SpeechSynthesisUtterance(`${part.title}. ${part.text}`);
  utterance.lang = 'pt-BR';
  utterance.rate = 0.95;
  if (voice) utterance.voice = voice;
  return utterance;
}

interface ControlsProps {
  reading: Reading;
  parts: readonly ReadAloudPart[];
  mainButton: RefObject<HTMLButtonElement | null>;
  onMain: () => void;
  onNext: (index: number) => void;
  onStop: () => void;
}

/** Where the reading is, and its buttons: the main one (Ouvir, Pausar, Continuar), next part and stop. */
function ReadAloudControls({ reading, parts, mainButton, onMain, onNext, onStop }: ControlsProps) {
  const active = reading.state === 'playing' || reading.state === 'paused' ? reading : undefined;
  const mainWords = reading.state === 'playing' ? 'Pausar' : reading.state === 'paused' ? 'Continuar' : reading.state === 'looking-for-voice' ? 'Preparando a voz…' : 'Ouvir';
  return (
    <div class={active || reading.state === 'no-voice' ? 'read-aloud read-aloud-open' : 'read-aloud'} data-testid="read-aloud">
      {active ? (
        <p>
          {active.state === 'playing' ? 'Lendo a' : 'Pausado na'} parte {active.index + 1} de {parts.length}: <strong>{parts[active.index]!.title}</strong>
        </p>
      ) : null}
      <div class="button-row">
        <button type="button" class="button button-secondary" ref={mainButton} onClick={onMain}>
          {mainWords}
        </button>
        {active && active.index + 1 < parts.length ? (
          <button type="button" class="button button-secondary" onClick={() => onNext(active.index + 1)}>
            Próxima parte
          </button>
        ) : null}
        {active ? (
          <button type="button" class="button button-secondary" onClick={onStop}>
            Parar
          </button>
        ) : null}
      </div>
      {/* Always in the page, so screen readers announce the help when it appears. */}
      <div role="status">{reading.state === 'no-voice' ? <NoVoiceHelp /> : null}</div>
    </div>
  );
}

function NoVoiceHelp() {
  return (
    <div class="notice notice-warning stack">
      <p>
        <strong>Este aparelho não tem voz em português instalada</strong>, por isso a leitura em voz alta não funciona.
      </p>
      <p>
        No Android: abra <strong>Configurações → Acessibilidade → Saída de texto em voz</strong>, toque na engrenagem ao lado do
        mecanismo de voz e escolha <strong>Instalar dados de voz → Português (Brasil)</strong>. Depois volte aqui e toque em “Ouvir”.
      </p>
      <p>No iPhone: Ajustes → Acessibilidade → Conteúdo Falado → Vozes → Português (Brasil).</p>
    </div>
  );
}
