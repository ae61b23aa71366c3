/** A request's story: every event, public or internal, each saying who the citizen sees it from. */
import type { RequestEvent } from '../../../../shared/contract/staff.ts';
import { EVENT_WORDS, STATUS_WORDS, dateTimeWords } from '../../ui/words.ts';

export function RequestStory({ events }: { events: readonly RequestEvent[] }) {
  return (
    <section class="section stack" aria-labelledby="historia">
      <h2 id="historia">Histórico</h2>
      <ol class="story" data-testid="story">
        {events.map((event, i) => <StoryEvent key={i} event={event} />)}
      </ol>
    </section>
  );
}

function StoryEvent({ event }: { event: RequestEvent }) {
  const title = event.type === 'status' && event.status ? `${EVENT_WORDS.status}: ${STATUS_WORDS[event.status]}` : EVENT_WORDS[event.type];
  return (
    <li class={event.public ? 'event-public' : 'event-internal'} data-testid="story-event" data-type={event.type}>
      <p class="event-head">
        <strong>{title}</strong> · {dateTimeWords(event.at)}{event.by ? ` · por ${event.by}` : event.type === 'reply' ? ' · pelo cidadão' : ''}
      </p>
      {event.text && <p class="event-text">{event.text}</p>}
      <p class="event-audience">{event.public ? 'O cidadão vê' : 'Interno: o cidadão não vê'}</p>
    </li>
  );
}
