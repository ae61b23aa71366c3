/**
 * /gestao/pedidos — the work queue: what the role may see, open before closed, overdue first. Filters live
 * in the address (a filtered list can be bookmarked, shared with a colleague, and survives a reload);
 * counts per situation; "Carregar mais" pages on with the server's cursor; the CSV of the same filter.
 */
import { useRef } from 'preact/hooks';
import { SUBMISSION_KINDS } from '../../../shared/contract/forms.ts';
import { SUBMISSION_STATUSES } from '../../../shared/contract/status.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { QueueFilterSchema, QueuePageSchema, type CharterDirectory, type QueueItem, type QueuePage } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api, queryString } from '../api.ts';
import { districtName, secretariatName, useDirectory } from '../directory.ts';
import { can, useSession } from '../session.ts';
import { announce } from '../ui/announce.ts';
import { CheckboxField, SelectField, TextField, inputValue } from '../ui/fields.tsx';
import { ListFilter, filterOf, useFilterDraft, type ListFilterValues } from '../ui/list-filter.tsx';
import { FlagWords } from '../ui/flag-words.tsx';
import { useNextPage } from '../ui/next-page.ts';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { KIND_WORDS, STATUS_WORDS, dateTimeWords, staffDateWords, plural, protocolWords } from '../ui/words.ts';

const FILTER_KEYS = ['protocol', 'secretariat', 'service', 'status', 'kind', 'district', 'village', 'overdue', 'mine', 'from', 'to'] as const;
type Filter = ListFilterValues<(typeof FILTER_KEYS)[number]>;

const FILTER_LABELS: Record<string, string> = {
  protocol: 'Protocolo', secretariat: 'Secretaria', service: 'Serviço', status: 'Situação', kind: 'Tipo', district: 'Distrito',
  village: 'Povoado ou bairro', overdue: 'Só atrasados', mine: 'Só os meus', from: 'Recebido a partir de', to: 'Recebido até',
};

function withFilter(filter: Filter, change: Filter): string {
  return `/gestao/pedidos${queryString({ ...filter, ...change })}`;
}

export default function QueuePage({ query }: PageProps) {
  useStaffPageTitle('Pedidos');
  const filter = filterOf(query, FILTER_KEYS);
  const key = queryString(filter);
  const session = useSession();
  const directory = useDirectory();
  const firstLoad = useRef(true);
  const { value: page, failure, reload, replace } = useLoad(() => api(QueuePageSchema, `/api/gestao/requests${key}`), [key], {
    keep: true,
    onLoaded: (answer) => {
      if (!firstLoad.current) announce(`${plural(answer.items.length, 'pedido', 'pedidos')} nesta lista${answer.nextCursor ? ', e há mais' : ''}.`);
      firstLoad.current = false;
    },
  });
  const next = useNextPage(page, replace, {
    read: (after) => api(QueuePageSchema, `/api/gestao/requests${queryString({ ...filter, after })}`),
    cursorOf: (shown) => shown.nextCursor,
    itemsOf: (shown) => shown.items,
    merged: (shown, more) => ({ ...more, items: [...shown.items, ...more.items] }),
    focusIdOf: (item) => `pedido-${item.id}`,
    arrivedWords: (count) => `Mais ${plural(count, 'pedido carregado', 'pedidos carregados')}.`,
  });

  const total = page ? Object.values(page.counts).reduce((sum, n) => sum + n, 0) : 0;
  const shownTotal = page ? (filter.status ? page.counts[filter.status] ?? 0 : total) : 0;
  return (
    <div class="page page-wide stack">
      <h1>Pedidos</h1>
      <Filters key={key} filter={filter} />
      {page && <StatusTabs filter={filter} counts={page.counts} total={total} />}
      {failure && (
        <div class="notice notice-error stack" role="alert">
          <p>{failure.message}</p>
          <p><button type="button" class="button button-secondary" onClick={() => void reload()}>Tentar de novo</button></p>
        </div>
      )}
      {!page && !failure && <p>Carregando pedidos…</p>}
      {page && (
        <>
          <div class="queue-summary">
            <p data-testid="queue-summary">Mostrando {page.items.length} de {plural(shownTotal, 'pedido', 'pedidos')}.</p>
            {can(session, 'requests.export') && (
              <a class="button button-secondary" href={`/api/gestao/requests.csv${key}`} download>Baixar planilha (CSV) desta lista</a>
            )}
          </div>
          {page.items.length === 0 ? (
            <p class="notice">Nenhum pedido com estes filtros.</p>
          ) : (
            <ul class="queue-list" data-testid="queue">
              {page.items.map((item) => <QueueRow key={item.id} item={item} directory={directory} />)}
            </ul>
          )}
          {next.more && (
            <p><button type="button" class="button button-secondary" aria-disabled={next.loading ? 'true' : undefined} onClick={() => void next.load()}>
              {next.loading ? 'Carregando…' : 'Carregar mais'}
            </button></p>
          )}
        </>
      )}
    </div>
  );
}

/** One tab per situation, with its count; the other filters stay. */
function StatusTabs({ filter, counts, total }: { filter: Filter; counts: QueuePage['counts']; total: number }) {
  return (
    <nav aria-label="Situação dos pedidos" class="status-tabs">
      <ul>
        <li><a href={withFilter(filter, { status: undefined })} aria-current={!filter.status ? 'true' : undefined}>Todas <span class="count">({total})</span></a></li>
        {SUBMISSION_STATUSES.map((status) => (
          <li key={status}>
            <a href={withFilter(filter, { status })} aria-current={filter.status === status ? 'true' : undefined}>
              {STATUS_WORDS[status]} <span class="count">({counts[status] ?? 0})</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function QueueRow({ item, directory }: { item: QueueItem; directory: CharterDirectory | null }) {
  const place = [item.district ? districtName(directory, item.district) : '', item.village ?? ''].filter(Boolean).join(' · ');
  return (
    <li class="card queue-item" data-testid="queue-item" data-protocol={item.protocol ?? undefined}>
      <h2 class="queue-title">
        <a id={`pedido-${item.id}`} href={`/gestao/pedidos/${item.id}`}>{protocolWords(item.protocol)}</a>
      </h2>
      <p>{item.kind !== 'request' ? `${KIND_WORDS[item.kind]}: ` : ''}{item.serviceName}</p>
      <dl class="queue-facts">
        <div><dt>Situação</dt><dd>{STATUS_WORDS[item.status]}</dd></div>
        <div><dt>Recebido em</dt><dd>{dateTimeWords(item.receivedAt)}</dd></div>
        <div><dt>Prazo</dt><dd>{item.dueAt ? staffDateWords(item.dueAt) : 'sem prazo'} <FlagWords flag={item.flag} kind={item.kind} /></dd></div>
        <div><dt>Local</dt><dd>{place || 'não informado'}</dd></div>
        <div><dt>Secretaria</dt><dd>{secretariatName(directory, item.secretariatId)}</dd></div>
        {item.kind === 'manifestation' && (
          <div><dt>Encaminhada para</dt><dd>{item.forwardedTo ? secretariatName(directory, item.forwardedTo) : 'ainda não encaminhada'}{item.extended ? ' · prazo prorrogado' : ''}</dd></div>
        )}
        <div><dt>Responsável</dt><dd>{item.assignedTo?.name ?? 'ninguém ainda'}</dd></div>
      </dl>
    </li>
  );
}

function Filters({ filter }: { filter: Filter }) {
  const session = useSession();
  const directory = useDirectory();
  const draft = useFilterDraft(filter);
  const { values, set, errors } = draft;

  const everywhere = session.status === 'signed_in' && session.account.roles.some((role) => role === 'controladoria' || role === 'ouvidoria');
  const mine = session.status === 'signed_in' ? session.account.secretariats : [];
  const secretariats = (directory?.secretariats ?? []).filter((s) => everywhere || mine.includes(s.id) || s.id === values.secretariat);
  const services = (directory?.services ?? [])
    .filter((s) => (values.secretariat ? s.secretariatId === values.secretariat : secretariats.some((x) => x.id === s.secretariatId)) || s.id === values.service)
    .sort((a, b) => a.name.localeCompare(b.name, 'pt-BR'));
  const district = directory?.districts.find((d) => d.id === values.district);

  const check = (chosen: Filter) => {
    const parsed = parseContract(QueueFilterSchema, Object.fromEntries(Object.entries(chosen).filter(([, v]) => v)));
    return parsed.ok ? {} : parsed.fields;
  };
  const active = Object.keys(filter).filter((key) => key !== 'status').length > 0;
  const below = (
    <>
      <CheckboxField id="f-atrasados" label="Só os atrasados" checked={values.overdue === '1'} onChange={(event) => set('overdue', (event.currentTarget as HTMLInputElement).checked ? '1' : undefined)} />
      <CheckboxField id="f-meus" label="Só os atribuídos a mim" checked={values.mine === '1'} onChange={(event) => set('mine', (event.currentTarget as HTMLInputElement).checked ? '1' : undefined)} />
    </>
  );

  return (
    <ListFilter path="/gestao/pedidos" draft={draft} active={active} labels={FILTER_LABELS} check={check} below={below}>
      <TextField id="f-protocolo" label="Protocolo" hint="Como 2026-000123." value={values.protocol ?? ''} error={errors?.protocol}
        onInput={(event) => set('protocol', inputValue(event).trim())} />
      <SelectField id="f-secretaria" label="Secretaria" value={values.secretariat ?? ''} onChange={(event) => {
        set('secretariat', inputValue(event));
        set('service', undefined);
      }}>
        <option value="">Todas as suas</option>
        {secretariats.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </SelectField>
      <SelectField id="f-servico" label="Serviço" value={values.service ?? ''} onChange={(event) => set('service', inputValue(event))}>
        <option value="">Todos</option>
        {services.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </SelectField>
      <SelectField id="f-situacao" label="Situação" value={values.status ?? ''} onChange={(event) => set('status', inputValue(event))}>
        <option value="">Todas</option>
        {SUBMISSION_STATUSES.map((status) => <option key={status} value={status}>{STATUS_WORDS[status]}</option>)}
      </SelectField>
      <SelectField id="f-tipo" label="Tipo" value={values.kind ?? ''} onChange={(event) => set('kind', inputValue(event))}>
        <option value="">Solicitações e manifestações</option>
        {SUBMISSION_KINDS.map((kind) => <option key={kind} value={kind}>{KIND_WORDS[kind]}</option>)}
      </SelectField>
      <SelectField id="f-distrito" label="Distrito" value={values.district ?? ''} onChange={(event) => {
        set('district', inputValue(event));
        set('village', undefined);
      }}>
        <option value="">Todos</option>
        {(directory?.districts ?? []).map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
      </SelectField>
      <SelectField id="f-povoado" label="Povoado ou bairro" hint={district ? undefined : 'Escolha antes o distrito.'} value={values.village ?? ''}
        disabled={!district} onChange={(event) => set('village', inputValue(event))}>
        <option value="">Todos</option>
        {(district?.villages ?? []).map((village) => <option key={village} value={village}>{village}</option>)}
      </SelectField>
      <TextField id="f-de" label="Recebido a partir de" type="date" value={values.from ?? ''} error={errors?.from} onInput={(event) => set('from', inputValue(event))} />
      <TextField id="f-ate" label="Recebido até" type="date" value={values.to ?? ''} error={errors?.to} onInput={(event) => set('to', inputValue(event))} />
    </ListFilter>
  );
}
