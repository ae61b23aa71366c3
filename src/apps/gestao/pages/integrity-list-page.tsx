/**
 * /gestao/integridade — the controladoria's list of integrity reports (denúncias): received day, status,
 * kind of identification and classification, newest first, a page at a time ("Mostrar mais"). Opening one
 * is audited. No secretariat reaches this page.
 */
import { IntegrityListSchema, type IntegrityList, type IntegritySummary } from '../../../shared/contract/integrity-staff.ts';
import type { CharterDirectory } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api, queryString } from '../api.ts';
import { secretariatName, useDirectory } from '../directory.ts';
import { IDENTIFICATION_WORDS, INTEGRITY_STATUS_WORDS, TIPO_WORDS, riskWords } from '../ui/integrity-words.ts';
import { RevealRequestsPanel } from '../ui/integrity-reveal.tsx';
import { useNextPage } from '../ui/next-page.ts';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { can, useSession } from '../session.ts';
import { plural } from '../ui/words.ts';

const readList = (after?: string) => api(IntegrityListSchema, `/api/gestao/integridade${queryString({ after })}`);

export default function IntegrityListPage(_props: PageProps) {
  useStaffPageTitle('Canal de Integridade');
  const session = useSession();
  const directory = useDirectory();
  const { value: list, failure, reload, replace } = useLoad(() => readList(), []);
  const next = useNextPage(list, replace, {
    read: readList,
    cursorOf: (page) => page.nextCursor,
    itemsOf: (page) => page.reports,
    // The first page's total stays: it numbers the rows, and a report mixed in since then is not in this list.
    merged: (shown, more) => ({ ...shown, reports: [...shown.reports, ...more.reports], nextCursor: more.nextCursor }),
    focusIdOf: (report) => `relato-${report.id}`,
    arrivedWords: (count) => `Mais ${plural(count, 'relato carregado', 'relatos carregados')}.`,
  });

  return (
    <div class="page stack">
      <h1>Canal de Integridade</h1>
      <p class="lead">Denúncias de fraude, propina, assédio e outros desvios. Só a Controladoria vê esta lista, e cada relato aberto fica registrado na auditoria.</p>
      <p><a href="/gestao/plano">Acompanhar o Plano de Integridade</a></p>
      <p class="notice">Um relato novo pode levar até um dia para aparecer aqui: os relatos entram na lista em horários sorteados, misturados com os outros do dia, para que ninguém descubra quem enviou pelo horário.</p>
      {can(session, 'integrity.reveal') && <RevealRequestsPanel />}
      {!list && !failure && <p>Carregando…</p>}
      {failure && (
        <>
          <p class="notice notice-error">{failure.message}</p>
          <p><button type="button" class="button button-secondary" onClick={() => void reload()}>Tentar de novo</button></p>
        </>
      )}
      {list && !failure && (list.reports.length === 0 ? <p>Nenhum relato recebido ainda.</p> : (
        <>
          <p data-testid="integrity-summary">Mostrando {list.reports.length} de {plural(list.total, 'relato', 'relatos')}, os mais novos primeiro.</p>
          <Reports list={list} directory={directory} />
          {next.more && (
            <p><button type="button" class="button button-secondary" aria-disabled={next.loading ? 'true' : undefined} onClick={() => void next.load()}>
              {next.loading ? 'Carregando…' : 'Mostrar mais'}
            </button></p>
          )}
        </>
      ))}
    </div>
  );
}

function Reports({ list, directory }: { list: IntegrityList; directory: CharterDirectory | null }) {
  return (
    <ul class="queue-list" data-testid="integrity-list">
      {list.reports.map((report, i) => <ReportRow key={report.id} report={report} number={list.total - i} directory={directory} />)}
    </ul>
  );
}

function ReportRow({ report, number, directory }: { report: IntegritySummary; number: number; directory: CharterDirectory | null }) {
  return (
    <li class="card queue-item" data-testid="integrity-item" data-id={report.id}>
      <h2 class="queue-title">
        <a id={`relato-${report.id}`} href={`/gestao/integridade/${report.id}`}>Relato {number}: {report.tipo ? TIPO_WORDS[report.tipo] ?? report.tipo : 'sem tipo'}, recebido em {report.receivedDay}</a>
      </h2>
      <dl class="queue-facts">
        <div><dt>Situação</dt><dd>{INTEGRITY_STATUS_WORDS[report.status]}</dd></div>
        <div><dt>Lido pela primeira vez</dt><dd>{report.readDay ?? 'ainda não lido'}</dd></div>
        <div><dt>Identificação</dt><dd>{IDENTIFICATION_WORDS[report.identification]}</dd></div>
        <div><dt>Órgão</dt><dd>{report.orgao ? secretariatName(directory, report.orgao) : 'não informado'}</dd></div>
        <div><dt>Categoria de risco</dt><dd>{riskWords(report.riskCategory)}</dd></div>
      </dl>
    </li>
  );
}
