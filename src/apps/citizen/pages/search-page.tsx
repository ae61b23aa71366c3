import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate, type PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { secretariatById } from '../charter/lookup.ts';
import { searchIndexFor } from '../search/index-for.ts';
import { searchServices } from '../search/search-index.ts';
import { usePageTitle } from '../ui/use-page-title.ts';

export default function SearchPage({ query }: PageProps) {
  const urlQuery = query.get('q') ?? '';
  const [text, setText] = useState(urlQuery);
  useEffect(() => setText(urlQuery), [urlQuery]);
  usePageTitle(text.trim() ? `Busca: ${text.trim()}` : 'Buscar serviço');
  const { charter, loading, error } = useCharter();

  const hits = useMemo(() => (charter && text.trim() ? searchServices(searchIndexFor(charter), text, 30) : []), [charter, text]);

  const onInput = (value: string) => {
    setText(value);
    navigate(value ? `/buscar?q=${encodeURIComponent(value)}` : '/buscar', { replace: true });
  };

  return (
    <div class="page stack">
      <h1>Buscar serviço</h1>
      <form
        role="search"
        class="stack"
        action="/buscar"
        onSubmit={(event) => {
          event.preventDefault();
          document.getElementById('resultados')?.focus();
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
      <p role="status" class="muted">
        {!charter ? (loading && !error ? 'Carregando os serviços…' : error) : !text.trim() ? '' : hits.length === 0 ? 'Nenhum serviço encontrado. Tente outras palavras.' : `${hits.length === 1 ? '1 serviço encontrado' : `${hits.length} serviços encontrados`}.`}
      </p>
      {hits.length > 0 && charter ? (
        <section tabindex={-1} id="resultados" aria-label="Resultados da busca">
          <ul class="card-list">
            {hits.map(({ service }) => (
              <li key={service.id}>
                <a class="card-link" href={`/servicos/${service.id}`}>
                  <strong>{service.name}</strong>
                  <span>{secretariatById(charter, service.secretariatId)?.name}</span>
                  <span>{service.description.length > 140 ? `${service.description.slice(0, 137)}…` : service.description}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
