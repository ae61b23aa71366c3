/**
 * /integridade — the Code of Ethics of the municipality's servants (each article with its one-line summary,
 * searchable) and the Integrity Plan's actions with their progress, readable offline (the service worker
 * keeps the last copy) and aloud, one part at a time.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { PLAN_STATUS_LABELS, ServedIntegrityContentSchema, type ServedIntegrityContent } from '../../../shared/contract/integrity-content.ts';
import { parseAnswer } from '../../../shared/contract/parse.ts';
import { formatDueDay } from '../../../shared/deadlines.ts';
import { normalizeText } from '../../../shared/text.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { useCharter } from '../charter/use-charter.ts';
import { ReadAloud, type ReadAloudPart } from '../ui/read-aloud.tsx';
import { usePageTitle } from '../ui/use-page-title.ts';
import './integrity-page.css';

type Loaded = { state: 'loading' } | { state: 'ready'; content: ServedIntegrityContent } | { state: 'failed' };

async function loadContent(): Promise<ServedIntegrityContent | null> {
  const response = await fetch('/api/integridade/conteudo', { headers: { accept: 'application/json' }, credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!response.ok) return null;
  return parseAnswer(ServedIntegrityContentSchema, await response.json());
}

type EthicsCode = ServedIntegrityContent['ethicsCode'];
type IntegrityPlan = ServedIntegrityContent['plan'];

export default function IntegrityPage(_props: PageProps) {
  usePageTitle('Integridade');
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { charter } = useCharter();

  useEffect(() => {
    let live = true;
    loadContent().then(
      (content) => live && setLoaded(content ? { state: 'ready', content } : { state: 'failed' }),
      () => live && setLoaded({ state: 'failed' }),
    );
    return () => { live = false; };
  }, [attempt]);

  if (loaded.state === 'loading') return <div class="page"><h1 tabindex={-1}>Integridade</h1><p role="status">Carregando…</p></div>;
  if (loaded.state === 'failed') {
    return (
      <div class="page stack">
        <h1 tabindex={-1}>Integridade</h1>
        <p class="notice">Não foi possível abrir o Código de Ética e o Plano de Integridade agora. Eles ficam guardados no aparelho depois da primeira vez que abrem com internet.</p>
        <p><button type="button" class="button button-primary" onClick={() => { setLoaded({ state: 'loading' }); setAttempt((n) => n + 1); }}>Tentar de novo</button></p>
      </div>
    );
  }
  const { ethicsCode, plan } = loaded.content;
  const unitName = (id: string) => charter?.secretariats.find((s) => s.id === id)?.name ?? id;
  const parts: ReadAloudPart[] = [
    { title: ethicsCode.title, text: ethicsCode.articles.map((a) => `Artigo ${a.number}, ${a.title}. ${a.summary}`).join(' ') },
    { title: plan.title, text: plan.actions.map((a) => `${a.title}: ${PLAN_STATUS_LABELS[a.status]}, ${a.progress} por cento.`).join(' ') },
  ];

  return (
    <div class="page stack">
      <h1 tabindex={-1}>Integridade na Prefeitura</h1>
      <p class="lead">As regras de conduta de quem trabalha para a Prefeitura e o que a Prefeitura está fazendo para prevenir e corrigir irregularidades.</p>
      <p><a class="button button-secondary" href="/servicos/canal-de-integridade">Denunciar uma irregularidade</a></p>
      <p><a class="button button-secondary" href="/acompanhar">Acompanhar uma denúncia</a></p>
      <ReadAloud parts={parts} />
      <PlanSection plan={plan} unitName={unitName} />
      <EthicsCodeSection ethicsCode={ethicsCode} />
    </div>
  );
}

/** The Integrity Plan's actions, each with its progress bar, who answers for it and its deadline. */
function PlanSection({ plan, unitName }: { plan: IntegrityPlan; unitName: (id: string) => string }) {
  const done = plan.actions.filter((a) => a.status === 'concluida').length;
  return (
    <section class="stack section" aria-labelledby="plano">
      <h2 id="plano">{plan.title} ({plan.period})</h2>
      <p>{plan.description}</p>
      <p data-testid="plan-summary">{done} de {plan.actions.length} ações concluídas.</p>
      <ul class="card-list">
        {plan.actions.map((action) => (
          <li key={action.id} class="card stack" data-testid="plan-action">
            <h3>{action.title}</h3>
            <p>{action.description}</p>
            <p>
              <label for={`avanco-${action.id}`}>{PLAN_STATUS_LABELS[action.status]}: {action.progress}% feito</label>
              <br />
              <progress id={`avanco-${action.id}`} max={100} value={action.progress}>{action.progress}%</progress>
            </p>
            <p class="muted">Responsável: {unitName(action.responsible)} · Prazo: {formatDueDay(action.deadline)}{action.updatedAt ? ` · Atualizado em ${formatDueDay(action.updatedAt.slice(0, 10))}` : ''}</p>
            {action.note && <p class="muted">{action.note}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The Code of Ethics, searchable: every word of the query must appear in an article's title, summary or text. */
function EthicsCodeSection({ ethicsCode }: { ethicsCode: EthicsCode }) {
  const [query, setQuery] = useState('');
  const articles = useMemo(() => {
    const words = normalizeText(query).split(/\s+/).filter(Boolean);
    return ethicsCode.articles.filter((article) => {
      const haystack = normalizeText(`${article.title} ${article.summary} ${article.text}`);
      return words.every((word) => haystack.includes(word));
    });
  }, [ethicsCode, query]);

  return (
    <section class="stack section" aria-labelledby="codigo">
      <h2 id="codigo">{ethicsCode.title}</h2>
      <p class="muted">{ethicsCode.legalBasis}</p>
      <p>
        <label for="procurar-codigo">Procurar no código</label>
        <input id="procurar-codigo" type="search" value={query} onInput={(event) => setQuery((event.target as HTMLInputElement).value)} />
      </p>
      <p role="status" class="visually-hidden">{articles.length} artigo(s)</p>
      <ol class="plain-list stack">
        {articles.map((article) => (
          <li key={article.number} class="card stack" data-testid="ethics-article">
            <h3>Art. {article.number}. {article.title}</h3>
            <p><strong>{article.summary}</strong></p>
            <details>
              <summary>Ler o artigo inteiro</summary>
              <p>{article.text}</p>
            </details>
          </li>
        ))}
      </ol>
      {articles.length === 0 && <p>Nenhum artigo fala disso. Tente outras palavras.</p>}
    </section>
  );
}
