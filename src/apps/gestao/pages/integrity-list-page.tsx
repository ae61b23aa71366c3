/**
 * /gestao/integridade — the controladoria's list of integrity reports (denúncias): received day, status,
 * kind of identification and classification. Opening one is audited. No secretariat reaches this page.
 */
import { IntegrityListSchema } from '../../../shared/contract/integrity-staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { secretariatName, useDirectory } from '../directory.ts';
import { IDENTIFICATION_WORDS, INTEGRITY_STATUS_WORDS, TIPO_WORDS, riskWords } from '../ui/integrity-words.ts';
import { RevealRequestsPanel } from '../ui/integrity-reveal.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { useLoad } from '../ui/use-load.ts';
import { can, useSession } from '../session.ts';
import { plural } from '../ui/words.ts';

export default function IntegrityListPage(_props: PageProps) {
  useStaffPageTitle('Canal de Integridade');
  const directory = useDirectory();
  const session = useSession();
  const { value: reports, failure, reload } = useLoad(async () => (await api(IntegrityListSchema, '/api/gestao/integridade')).reports, []);

  return (
    <div class="page stack">
      <h1>Canal de Integridade</h1>
      <p class="lead">Denúncias de fraude, propina, assédio e outros desvios. Só a Controladoria vê esta lista, e cada relato aberto fica registrado na auditoria.</p>
      <p><a href="/gestao/plano">Acompanhar o Plano de Integridade</a></p>
      <p class="notice">Um relato novo pode levar até um dia para aparecer aqui: os relatos entram na lista em horários sorteados, misturados com os outros do dia, para que ninguém descubra quem enviou pelo horário.</p>
      {can(session, 'integrity.reveal') && <RevealRequestsPanel />}
      {!reports && !failure && <p>Carregando…</p>}
      {failure && (
        <>
          <p class="notice notice-error">{failure.message}</p>
          <p><button type="button" class="button button-secondary" onClick={() => void reload()}>Tentar de novo</button></p>
        </>
      )}
      {reports && !failure && (reports.length === 0 ? <p>Nenhum relato recebido ainda.</p> : (
        <>
          <p>{plural(reports.length, 'relato', 'relatos')}, os mais novos primeiro.</p>
          <ul class="queue-list" data-testid="integrity-list">
            {reports.map((report, i) => (
              <li key={report.id} class="card queue-item" data-testid="integrity-item" data-id={report.id}>
                <h2 class="queue-title">
                  <a href={`/gestao/integridade/${report.id}`}>Relato {reports.length - i}: {report.tipo ? TIPO_WORDS[report.tipo] ?? report.tipo : 'sem tipo'}, recebido em {report.receivedDay}</a>
                </h2>
                <dl class="queue-facts">
                  <div><dt>Situação</dt><dd>{INTEGRITY_STATUS_WORDS[report.status]}</dd></div>
                  <div><dt>Lido pela primeira vez</dt><dd>{report.readDay ?? 'ainda não lido'}</dd></div>
                  <div><dt>Identificação</dt><dd>{IDENTIFICATION_WORDS[report.identification]}</dd></div>
                  <div><dt>Órgão</dt><dd>{report.orgao ? secretariatName(directory, report.orgao) : 'não informado'}</dd></div>
                  <div><dt>Categoria de risco</dt><dd>{riskWords(report.riskCategory)}</dd></div>
                </dl>
              </li>
            ))}
          </ul>
        </>
      ))}
    </div>
  );
}
