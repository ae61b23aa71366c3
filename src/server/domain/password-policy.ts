/**
 * Staff passwords: at least 12 characters (the shared schema) and not guessable. zxcvbn-ts checks them
 * against its shipped lists of common and leaked passwords and of common Portuguese and English words,
 * names and keyboard patterns, plus the city's own words, all from node_modules (nothing is downloaded).
 * Its dictionaries are large, so they are loaded at the first check, not at start.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's scale: 0–2 fall in hours to days of offline guessing; 3 and up is "safely unguessable" for an online login. */
const MIN_SCORE = 3;
/** Words every guesser of this city's passwords tries first. */
const CITY_WORDS = ['conquista', 'vitoria', 'vitória', 'vitoriadaconquista', 'prefeitura', 'pmvc', 'gestao', 'gestão', 'conecta', 'bahia', 'senha'];

export const WEAK_PASSWORD_MESSAGE =
  'Esta senha é fácil de adivinhar: parece com senhas comuns ou vazadas, ou usa o nome da cidade. Escolha outra, por exemplo uma frase com palavras que só você liga.';

let checker: Promise<ZxcvbnFactory> | undefined;

function loadChecker(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, ptBr] = await Promise.all([
      import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-pt-br'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...ptBr.dictionary, userInputs: CITY_WORDS },
      graphs: common.adjacencyGraphs,
      translations: ptBr.translations,
    });
  })();
  return checker;
}

/** Whether a password is too easy to guess; `personal` are the account's own words (e-mail, name). */
export async function isWeakPassword(password: string, personal: readonly string[] = []): Promise<boolean> {
  const result = await (await loadChecker()).check(password, [...personal]);
  return result.score < MIN_SCORE;
}
