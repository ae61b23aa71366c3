import type { QueueItem } from '../../../shared/contract/staff.ts';
import { FLAG_WORDS } from './words.ts';

/** A request's deadline flag, as a coloured word. */
export function FlagWords({ flag, kind }: { flag: QueueItem['flag']; kind?: QueueItem['kind'] }) {
  if (!flag) return null;
  // A manifestação's legal deadline (Law 13.460): 5 days or less left is said in so many words.
  return <span class={`flag flag-${flag}`}>{kind === 'manifestation' && flag === 'due_soon' ? 'faltam 5 dias ou menos' : FLAG_WORDS[flag]}</span>;
}
