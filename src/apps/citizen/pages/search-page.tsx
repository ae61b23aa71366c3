import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Charter, ExternalService } from '../../../shared/contract/charter.ts';
import { currentLocation, navigate, type PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { secretariatById, serviceById } from '../charter/lookup.ts';
import { prepareSearch, searchInWorker, type SearchResult } from '../search/search-client.ts';
import { telHref } from '../ui/format.ts';
import { usePageTitle } from '../ui/use-page-title.ts';
import '../search/search.css';

/** The service that takes any question, complaint or request: where a search that found nothing leads. */
const OUVIDORIA_SERVICE_ID = 'manifestacao-ouvidoria';
const RESULT_LIMIT = 30;

export default function SearchPage({ query }: PageProps) {
  const [text, onInput] = useTextFollowingAddress(query.get('q') ?? '');
  usePageTitle(text.trim() ? `Busca: ${text.trim()}` : 'Buscar serviço');
  const { charter, loading, error } = useCharter();
  const found = useSearchResults(charter, text);

  // Until the answer for the latest text (or charter) arrives, the previous results and their status
  // line stay: nothing jumps while typing, and the page is laid out again once per answer.
  const shown = charter && text.trim() ? found : undefined;
  // The same element while the results stay the same: a keystroke re-renders the box, not 30 cards.
  const results = shown?.results;
  const resultList = useMemo(() => (shown && shown.results.length > 0 ? <ResultList charter={shown.charter} results={shown.results} /> : null), [results]);

  return (
    <div class="page stack">
      <h1>Buscar serviço</h1>
      <form
        role="search"
        class="stack"
        action="/buscar"
        onSubmit={(event) => {
          event.preventDefault();
          document.getElementById(shown?.results.length === 0 ? 'sem-resultados' : 'resultados')?.focus();
        }}
      >
        <div class="field">
          <label for="busca">O que você procura?</label>
          <span id="busca-dica" class="field-hint">Escreva do seu jeito, com ou sem acento. Ex.: “vacina”, “segunda via iptu”, “buraco na rua”.</span>
          <input
            id="busca"
            name="q"
            type="search"
            value={text}
            autocomplete="off"
            enterkeyhint="search"
            aria-describedby="busca-dica"
            onInput={(event) => onInput(event.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button button-primary">Buscar</button>
      </form>
      <p role="status" class="muted">{statusLine(charter, loading, error, shown)}</p>
      {resultList}
      {shown && shown.results.length === 0 ? <NoResults charter={shown.charter} /> : null}
    </div>
  );
}

interface Found {
  charter: Charter;
  text: string;
  results: SearchResult[];
}

/** The search box's text and what typing does: the box answers at once, the address follows. */
function useTextFollowingAddress(urlQuery: string): [string, (value: string) => void] {
  const [text, setText] = useState(urlQuery);
  // The box follows the address when someone else changes it. Our own writes come back late (the
  // page's props lag behind while its code resolves): echoing them would undo letters typed since.
  const written = useRef(urlQuery);
  const writing = useRef<number | undefined>(undefined);
  useEffect(() => () => clearTimeout(writing.current), []);
  useEffect(() => {
    if (urlQuery !== written.current && urlQuery === (currentLocation().query.get('q') ?? '')) setText((written.current = urlQuery));
  }, [urlQuery]);

  const onInput = (value: string) => {
    setText(value);
    // The address follows in a task of its own (coalesced while typing fast): the keystroke's task
    // only redraws the box, and stays short on a slow phone.
    clearTimeout(writing.current);
    writing.current = window.setTimeout(() => {
      // This page stays on screen while the next one's code loads: never rewrite the address it left.
      if (currentLocation().path !== '/buscar') return;
      written.current = value;
      navigate(value ? `/buscar?q=${encodeURIComponent(value)}` : '/buscar', { replace: true });
    });
  };
  return [text, onInput];
}

/** The latest answer of the search worker for a text over a charter. */
function useSearchResults(charter: Charter | undefined, text: string): Found | undefined {
  const [found, setFound] = useState<Found>();
  useEffect(() => prepareSearch(), []);
  useEffect(() => {
    if (!charter || !text.trim()) return;
    let live = true;
    void searchInWorker(charter, text, RESULT_LIMIT).then((results) => {
      // Typing on in a word often keeps the same results: keep the same list too, so it is not redrawn.
      if (live) setFound((before) => ({ charter, text, results: before?.charter === charter && sameResults(before.results, results) ? before.results : results }));
    });
    return () => {
      live = false;
    };
  }, [charter, text]);
  return found;
}

function statusLine(charter: Charter | undefined, loading: boolean, error: string | undefined, shown: Found | undefined): string | undefined {
  if (!charter) return loading && !error ? 'Carregando os serviços…' : error;
  if (!shown) return '';
  if (shown.results.length === 0) return `Nada encontrado para “${shown.text.trim()}”.`;
  return `${shown.results.length === 1 ? '1 resultado' : `${shown.results.length} resultados`} para “${shown.text.trim()}”.`;
}

function sameResults(a: SearchResult[], b: SearchResult[]): boolean {
  const idOf = (r: SearchResult) => (r.kind === 'service' ? r.service.id : `externo-${r.external.id}`);
  return a.length === b.length && a.every((r, i) => idOf(r) === idOf(b[i]!));
}

function ResultList({ charter, results }: { charter: Charter; results: SearchResult[] }) {
  return (
    <section tabindex={-1} id="resultados" aria-label="Resultados da busca">
      <ul class="card-list">
        {results.map((result) =>
          result.kind === 'service' ? (
            <li key={result.service.id}>
              <a class="card-link" href={`/servicos/${result.service.id}`}>
                <strong>{result.service.name}</strong>
                <span>{secretariatById(charter, result.service.secretariatId)?.name}</span>
                <span>{result.service.description.length > 140 ? `${result.service.description.slice(0, 137)}…` : result.service.description}</span>
              </a>
            </li>
          ) : (
            <ExternalResult key={`externo-${result.external.id}`} item={result.external} />
          ),
        )}
      </ul>
    </section>
  );
}

/** What another body does (RG, INSS, cartório): said plainly, with where to go instead of a service page. */
function ExternalResult({ item }: { item: ExternalService }) {
  return (
    <li class="card external-result">
      <strong class="external-result-name">{item.name}</strong>
      <p>
        <strong>Não é um serviço da Prefeitura</strong> — onde fazer: {item.whereToGo}
      </p>
      {item.phone ? (
        <p>
          Telefone: <a class="tel" href={telHref(item.phone)}>{item.phone}</a>
        </p>
      ) : null}
      {item.url ? (
        <p>
          <a class="external-result-link" href={item.url} rel="noopener noreferrer">
            Site: {siteName(item.url)}
          </a>
        </p>
      ) : null}
    </li>
  );
}

function siteName(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** A search that found nothing still leads somewhere: the Ouvidoria takes any request, by app or phone. */
function NoResults({ charter }: { charter: Charter }) {
  const ouvidoria = serviceById(charter, OUVIDORIA_SERVICE_ID);
  const phone = ouvidoria?.channels.find((channel) => channel.type === 'phone' && channel.phone);
  return (
    <section id="sem-resultados" tabindex={-1} class="notice stack" aria-labelledby="sem-resultados-titulo">
      <h2 id="sem-resultados-titulo">Não achou o que procura?</h2>
      <p>Tente outras palavras, por exemplo o nome do documento ou do problema: “identidade”, “lixo”, “posto de saúde”.</p>
      {ouvidoria ? (
        <>
          <p>A Prefeitura ajuda você a encontrar o serviço certo, mesmo que não seja dela.</p>
          <p>
            <a class="button button-primary" href={`/servicos/${ouvidoria.id}${ouvidoria.formId ? '/solicitar' : ''}`}>
              Pedir ajuda
            </a>
          </p>
          {phone?.phone ? (
            <div>
              <p>
                Ou ligue para a Ouvidoria: <a class="tel" href={telHref(phone.phone)}>{phone.phone}</a>
              </p>
              {phone.hours || phone.description ? <p>{[phone.hours, phone.description].filter(Boolean).join('. ')}</p> : null}
            </div>
          ) : null}
          <p>
            <a href={`/servicos/${ouvidoria.id}`}>Conheça a Ouvidoria</a>: reclamação, denúncia, sugestão, elogio ou pedido de informação.
          </p>
        </>
      ) : null}
      <p>
        <a href="/">Ver todos os serviços por assunto</a>
      </p>
    </section>
  );
}
