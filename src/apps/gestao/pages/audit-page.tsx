/**
 * /gestao/auditoria — the controladoria's reading of the audit log: who did what, when, on which request
 * (every view of personal data included). Newest first; "Mostrar mais antigos" pages back. Filters live in
 * the address.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { UuidSchema } from '../../../shared/contract/primitives.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { AuditPageSchema } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api, failureWords, queryString } from '../api.ts';
import { announce } from '../ui/announce.ts';
import { SelectField, TextField, inputValue } from '../ui/fields.tsx';
import { ListFilter, filterOf, useFilterDraft, type ListFilterValues } from '../ui/list-filter.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { STATUS_WORDS, dateTimeWords, plural } from '../ui/words.ts';

const ACTION_WORDS: Record<string, string> = {
  login: 'Entrou',
  login_totp: 'Confirmou o código do celular',
  login_failed: 'Tentativa de entrada com senha errada',
  login_locked: 'Entrada bloqueada por tentativas erradas',
  totp_failed: 'Código do celular errado',
  totp_enrolled: 'Ativou o código do celular',
  logout: 'Saiu',
  password_set: 'Escolheu a senha',
  account_created: 'Criou uma conta',
  account_created_cli: 'Conta criada pela linha de comando',
  account_changed: 'Mudou uma conta',
  account_disabled: 'Desativou uma conta',
  reset_link_created: 'Criou um link de senha',
  charter_imported: 'Importou a Carta de Serviços',
  view_request: 'Abriu um pedido',
  view_attachment: 'Abriu uma foto ou documento',
  denied: 'Tentou abrir um pedido sem acesso',
  export: 'Baixou a planilha de pedidos',
  question: 'Perguntou ao cidadão',
  note: 'Escreveu nota interna',
  assign: 'Atribuiu um pedido',
  transfer: 'Transferiu um pedido',
  template_created: 'Criou um modelo de resposta',
  radar_thresholds: 'Mudou os limiares do radar de riscos',
  radar_export: 'Baixou o resumo semanal do radar',
  integrity_reveal_requested: 'Pediu para revelar a identidade de um denunciante',
  integrity_reveal_approved: 'Aprovou o pedido de outra pessoa para revelar uma identidade',
  integrity_reveal_refused: 'Recusou um pedido para revelar uma identidade',
  integrity_identity_view: 'Viu a identidade revelada de um denunciante',
};

function actionWords(action: string): string {
  if (action.startsWith('status:')) {
    const status = action.slice('status:'.length) as keyof typeof STATUS_WORDS;
    return `Mudou a situação para “${STATUS_WORDS[status] ?? status}”`;
  }
  return ACTION_WORDS[action] ?? action;
}

const FILTER_KEYS = ['account', 'action', 'submission', 'from', 'to'] as const;
type Filter = ListFilterValues<(typeof FILTER_KEYS)[number]>;

export default function AuditPage({ query }: PageProps) {
  useStaffPageTitle('Auditoria');
  const filter = filterOf(query, FILTER_KEYS);
  const key = queryString(filter);
  const { value: page, failure, replace } = useLoad(() => api(AuditPageSchema, `/api/gestao/audit${key}`), [key], { keep: true });
  const entries = page?.entries ?? null;
  const nextBefore = page?.nextBefore ?? null;
  const [loadingMore, setLoadingMore] = useState(false);
  const firstNew = useRef<string | null>(null);

  useEffect(() => {
    if (!firstNew.current) return;
    document.getElementById(`registro-${firstNew.current}`)?.focus();
    firstNew.current = null;
  }, [entries?.length]);

  const older = async () => {
    if (!nextBefore || loadingMore || !entries) return;
    setLoadingMore(true);
    try {
      const older = await api(AuditPageSchema, `/api/gestao/audit${queryString({ ...filter, before: nextBefore })}`);
      firstNew.current = older.entries[0]?.id ?? null;
      replace({ entries: [...entries, ...older.entries], nextBefore: older.nextBefore });
      announce(`Mais ${plural(older.entries.length, 'registro carregado', 'registros carregados')}.`);
    } catch (error) {
      announce(failureWords(error));
    } finally {
      setLoadingMore(false);
    }
  };

  const accountName = filter.account ? entries?.find((e) => e.account?.id === filter.account)?.account?.name ?? 'pessoa escolhida' : '';
  return (
    <div class="page stack">
      <h1>Auditoria</h1>
      <p>Tudo o que a equipe fez na gestão, e cada vez que alguém abriu os dados de um pedido. Os registros não podem ser mudados nem apagados.</p>
      <AuditFilters key={key} filter={filter} />
      {filter.account && (
        <p class="notice">Só os registros de <strong>{accountName}</strong>. <a href={`/gestao/auditoria${queryString({ ...filter, account: undefined })}`}>Ver de todas as pessoas</a></p>
      )}
      {failure && <p class="notice notice-error" role="alert">{failure.message}</p>}
      {!entries && !failure && <p>Carregando…</p>}
      {entries && (entries.length === 0 ? <p class="notice">Nenhum registro com estes filtros.</p> : (
        <ol class="audit-list" data-testid="audit">
          {entries.map((entry) => (
            <li key={entry.id} id={`registro-${entry.id}`} tabindex={-1} class="card" data-testid="audit-entry" data-action={entry.action}>
              <p><strong>{actionWords(entry.action)}</strong></p>
              <p class="muted">{dateTimeWords(entry.at)} · {entry.account
                ? <a href={`/gestao/auditoria${queryString({ ...filter, account: entry.account.id })}`} aria-label={`${entry.account.name}: ver só os registros desta pessoa`}>{entry.account.name}</a>
                : 'sem conta (sistema ou tentativa de entrada)'}{entry.sessionId ? ` · sessão ${entry.sessionId}` : ''}</p>
              {entry.submissionId && <p><a href={`/gestao/pedidos/${entry.submissionId}`}>Ver o pedido</a> · <a href={`/gestao/auditoria${queryString({ ...filter, submission: entry.submissionId })}`}>Só os registros deste pedido</a></p>}
              {entry.target && <p class="muted">Sobre: <code>{entry.target}</code></p>}
            </li>
          ))}
        </ol>
      ))}
      {nextBefore && (
        <p><button type="button" class="button button-secondary" aria-disabled={loadingMore ? 'true' : undefined} onClick={() => void older()}>
          {loadingMore ? 'Carregando…' : 'Mostrar registros mais antigos'}
        </button></p>
      )}
    </div>
  );
}

function AuditFilters({ filter }: { filter: Filter }) {
  const draft = useFilterDraft(filter);
  const { values, set, errors } = draft;
  const check = (chosen: Filter) => {
    const found: Record<string, string> = {};
    if (chosen.submission && !parseContract(UuidSchema, chosen.submission).ok) found.submission = 'O identificador do pedido é o código longo do endereço do pedido (como 3f1d2a1e-8b9c-…).';
    if (chosen.from && chosen.to && chosen.from > chosen.to) found.to = 'A data final vem antes da inicial.';
    return found;
  };
  return (
    <ListFilter path="/gestao/auditoria" draft={draft} active={Object.keys(filter).length > 0} labels={{ submission: 'Pedido', to: 'Até' }} check={check}>
      <SelectField id="a-acao" label="O que foi feito" value={values.action ?? ''} onChange={(event) => set('action', inputValue(event))}>
        <option value="">Tudo</option>
        {Object.entries(ACTION_WORDS).map(([action, words]) => <option key={action} value={action}>{words}</option>)}
        {Object.entries(STATUS_WORDS).map(([status, words]) => <option key={status} value={`status:${status}`}>Mudou a situação para “{words}”</option>)}
      </SelectField>
      <TextField id="a-pedido" label="Identificador do pedido" value={values.submission ?? ''} error={errors?.submission} onInput={(event) => set('submission', inputValue(event).trim())} />
      <TextField id="a-de" label="De" type="date" value={values.from ?? ''} onInput={(event) => set('from', inputValue(event))} />
      <TextField id="a-ate" label="Até" type="date" value={values.to ?? ''} error={errors?.to} onInput={(event) => set('to', inputValue(event))} />
    </ListFilter>
  );
}
