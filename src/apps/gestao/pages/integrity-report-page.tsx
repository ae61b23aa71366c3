/**
 * /gestao/integridade/:id — one integrity report for the controladoria: what the reporter told, the files
 * (each opening audited), the conversation with the reporter, and the actions: a message (a question:
 * the status becomes "Aguardando o denunciante"), the status, the classification by the Integrity Plan's
 * risk categories with the secretariats and services concerned, and — identity preserved only — the
 * two-person reveal of who reported (ui/integrity-reveal.tsx).
 */
import { useState } from 'preact/hooks';
import { INTEGRITY_STATUSES, type IntegrityStatus } from '../../../shared/contract/integrity.ts';
import {
  CityMessageSchema, INTEGRITY_RISK_CATEGORIES, INTEGRITY_RISK_LABELS, IntegrityClassificationSchema, IntegrityDetailSchema, IntegrityStatusChangeSchema,
  type IntegrityDetail,
} from '../../../shared/contract/integrity-staff.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { OkSchema, type CharterDirectory } from '../../../shared/contract/staff.ts';
import type { PageProps } from '../../common/navigation.tsx';
import { api } from '../api.ts';
import { secretariatName, useDirectory } from '../directory.ts';
import { can, useSession } from '../session.ts';
import { ActionResult, useAction } from '../ui/action.tsx';
import { FormError, SelectField, focusFirstInvalid, inputValue } from '../ui/fields.tsx';
import { ANSWER_LABELS, IDENTIFICATION_WORDS, INTEGRITY_STATUS_WORDS, TIPO_WORDS, answerWords, riskWords } from '../ui/integrity-words.ts';
import { Identity, RevealForm } from '../ui/integrity-reveal.tsx';
import { useStaffPageTitle } from '../ui/page-title.ts';
import { TextActionForm } from '../ui/text-action-form.tsx';
import { useLoad } from '../ui/use-load.ts';
import { sizeWords } from '../ui/words.ts';

/** Answers not shown as text: the photo field's file references (the files are listed apart). */
const HIDDEN_ANSWERS = new Set(['fotos']);

function answerText(key: string, value: unknown, directory: CharterDirectory | null): string {
  if (key === 'tipo' && typeof value === 'string') return TIPO_WORDS[value] ?? value;
  if (key === 'orgao' && typeof value === 'string') return secretariatName(directory, value);
  return answerWords(value);
}

export default function IntegrityReportPage({ params }: PageProps) {
  const id = params.id ?? '';
  const load = useLoad(() => api(IntegrityDetailSchema, `/api/gestao/integridade/${encodeURIComponent(id)}`), [id]);
  useStaffPageTitle(load.value && !load.failure ? `Relato de ${load.value.receivedDay}` : 'Relato');

  if (load.failure) {
    return (
      <div class="page stack">
        {BACK}
        <h1>{load.failure.status === 404 ? 'Relato não encontrado' : 'Não foi possível abrir o relato'}</h1>
        <p class="notice notice-error" data-testid="integrity-error">{load.failure.message}</p>
        {load.failure.status !== 404 && <p><button type="button" class="button button-secondary" onClick={() => void load.reload()}>Tentar de novo</button></p>}
      </div>
    );
  }
  if (!load.value) return <div class="page stack">{BACK}<h1>Relato</h1><p>Carregando…</p></div>;
  return <ReportView report={load.value} reload={load.reload} />;
}

const BACK = <p class="breadcrumb"><a href="/gestao/integridade">Canal de Integridade</a></p>;

function ReportView({ report, reload }: ActionProps) {
  const session = useSession();
  const directory = useDirectory();
  const answer = can(session, 'integrity.answer');
  const answers = Object.entries(report.answers).filter(([key]) => !HIDDEN_ANSWERS.has(key));

  return (
    <div class="page stack">
      {BACK}
      <h1>Relato de {report.receivedDay}</h1>
      <p class="notice">Abrir este relato e cada arquivo fica registrado na auditoria. Não compartilhe o conteúdo fora da Controladoria.</p>
      <dl class="facts facts-inline" data-testid="integrity-facts">
        <div><dt>Situação</dt><dd data-testid="integrity-status">{INTEGRITY_STATUS_WORDS[report.status]}</dd></div>
        <div><dt>Recebido em</dt><dd>{report.receivedDay}</dd></div>
        <div><dt>Lido pela primeira vez em</dt><dd>{report.readDay ?? 'hoje'}</dd></div>
        <div><dt>Identificação</dt><dd>{IDENTIFICATION_WORDS[report.identification]}</dd></div>
        <div><dt>Categoria de risco</dt><dd data-testid="integrity-risk">{riskWords(report.riskCategory)}</dd></div>
        <div><dt>Secretarias ligadas</dt><dd>{report.linkedSecretariats.length ? report.linkedSecretariats.map((s) => secretariatName(directory, s)).join(', ') : 'nenhuma'}</dd></div>
        <div><dt>Serviços ligados</dt><dd>{report.linkedServices.length ? report.linkedServices.map((s) => directory?.services.find((x) => x.id === s)?.name ?? s).join(', ') : 'nenhum'}</dd></div>
      </dl>

      <section class="section stack" aria-labelledby="relato">
        <h2 id="relato">O que foi relatado</h2>
        {answers.length === 0 ? <p>Nenhuma resposta.</p> : (
          <dl class="facts answers">
            {answers.map(([key, value]) => <div key={key}><dt>{ANSWER_LABELS[key] ?? key}</dt><dd>{answerText(key, value, directory)}</dd></div>)}
          </dl>
        )}
      </section>

      {report.identity && (
        <section class="section stack" aria-labelledby="identidade">
          <h2 id="identidade">Quem relatou</h2>
          <p>O denunciante escolheu se identificar.</p>
          <Identity identity={report.identity} />
        </section>
      )}

      <ReportFiles report={report} />
      <ReportMessages report={report} />

      {answer && (
        <section class="section stack" aria-labelledby="acoes">
          <h2 id="acoes">O que fazer</h2>
          <MessageForm report={report} reload={reload} />
          <StatusForm report={report} reload={reload} />
          <ClassificationForm report={report} reload={reload} directory={directory} />
        </section>
      )}
      {report.identityHidden && can(session, 'integrity.reveal') && <RevealForm report={report} reload={reload} />}
    </div>
  );
}

/** The report's files first, then those sent in messages, numbered in that order. */
function ReportFiles({ report }: { report: IntegrityDetail }) {
  const reportFiles = report.files.filter((f) => !f.fromMessage);
  const messageFiles = report.files.filter((f) => f.fromMessage);
  return (
    <section class="section stack" aria-labelledby="arquivos">
      <h2 id="arquivos">Arquivos</h2>
      {report.files.length === 0 ? <p>Nenhum arquivo enviado.</p> : (
        <ul class="plain-list audit-list" data-testid="integrity-files">
          {[...reportFiles, ...messageFiles].map((file, i) => (
            <li key={file.id}>
              <a href={`/api/gestao/integridade/${report.id}/arquivos/${file.id}`} target="_blank" rel="noopener">
                Abrir {file.type === 'application/pdf' ? 'o documento PDF' : 'a foto'} {i + 1}{file.fromMessage ? ' (enviado numa mensagem)' : ''} ({sizeWords(file.size)}, abre em outra aba)
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReportMessages({ report }: { report: IntegrityDetail }) {
  return (
    <section class="section stack" aria-labelledby="conversa">
      <h2 id="conversa">Conversa com o denunciante</h2>
      {report.messages.length === 0 ? <p>Nenhuma mensagem ainda.</p> : (
        <ol class="story" data-testid="integrity-messages">
          {report.messages.map((message, i) => (
            <li key={i} class={message.from === 'controladoria' ? 'event-public' : 'event-internal'} data-testid="integrity-message">
              <p class="event-head"><strong>{message.from === 'controladoria' ? 'Controladoria' : 'Denunciante'}</strong> · {message.day}{message.files ? ` · ${message.files} arquivo(s)` : ''}</p>
              {message.text && <p class="event-text">{message.text}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

interface ActionProps {
  report: IntegrityDetail;
  reload: () => Promise<boolean>;
}

function post(report: IntegrityDetail, action: string, body: unknown) {
  return api(OkSchema, `/api/gestao/integridade/${report.id}/${action}`, { method: 'POST', body });
}

function MessageForm({ report, reload }: ActionProps) {
  return (
    <TextActionForm headingId="acao-mensagem" title="Escrever ao denunciante" schema={CityMessageSchema} field="text" fieldLabel="Mensagem"
      missing="Escreva a mensagem."
      box={{ id: 'mensagem-denunciante', label: 'Mensagem ao denunciante', maxLength: 3000,
        hint: 'Ele lê no aplicativo, com o recibo. Escreva de forma simples e não diga nada que possa identificá-lo.' }}
      button={{ text: 'Enviar mensagem', busyText: 'Enviando…', primary: true }}
      send={async (body) => {
        await post(report, 'mensagens', body);
        await reload();
        return 'Mensagem enviada. O denunciante lê com o recibo, e o relato fica “Aguardando o denunciante”.';
      }} />
  );
}

function StatusForm({ report, reload }: ActionProps) {
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | undefined>();
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(IntegrityStatusChangeSchema, { status });
    setError(parsed.ok ? undefined : 'Escolha a nova situação.');
    if (!parsed.ok) {
      focusFirstInvalid(form);
      return;
    }
    await action.run(async () => {
      await post(report, 'status', parsed.value);
      await reload();
      return `Situação mudada para “${INTEGRITY_STATUS_WORDS[parsed.value.status]}”. O denunciante vê a nova situação com o recibo.`;
    }, form);
  };
  return (
    <section class="action stack" aria-labelledby="acao-situacao-relato">
      <h3 id="acao-situacao-relato">Mudar a situação</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={action.failure?.fields} labels={{ status: 'Situação' }} />
        <SelectField id="situacao-relato" label="Nova situação" value={status} error={error ?? action.failure?.fields?.status} onChange={(event) => setStatus(inputValue(event))}>
          <option value="">Escolha…</option>
          {INTEGRITY_STATUSES.filter((s: IntegrityStatus) => s !== report.status).map((s) => <option key={s} value={s}>{INTEGRITY_STATUS_WORDS[s]}</option>)}
        </SelectField>
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Mudando…' : 'Mudar a situação'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}

function ClassificationForm({ report, reload, directory }: ActionProps & { directory: CharterDirectory | null }) {
  const [risk, setRisk] = useState(report.riskCategory ?? '');
  const [secretariats, setSecretariats] = useState<string[]>(report.linkedSecretariats);
  const [services, setServices] = useState<string[]>(report.linkedServices);
  const action = useAction();
  const offered = (directory?.services ?? []).filter((s) => secretariats.includes(s.secretariatId) || services.includes(s.id));
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = parseContract(IntegrityClassificationSchema, { riskCategory: risk || null, secretariats, services: services.filter((s) => offered.some((o) => o.id === s)) });
    if (!parsed.ok) {
      action.setFailure({ message: 'Confira a classificação.', fields: parsed.fields });
      return;
    }
    await action.run(async () => {
      await post(report, 'classificacao', parsed.value);
      await reload();
      return 'Classificação guardada.';
    }, form);
  };
  const fieldError = action.failure?.fields;
  return (
    <section class="action stack" aria-labelledby="acao-classificar">
      <h3 id="acao-classificar">Classificar pelo Plano de Integridade</h3>
      <form class="stack" onSubmit={(event) => void submit(event)} noValidate>
        <FormError message={action.failure?.message} fields={fieldError} labels={{ riskCategory: 'Categoria de risco', secretariats: 'Secretarias', services: 'Serviços' }} />
        <SelectField id="categoria-risco" label="Categoria de risco" hint="As categorias do mapa de riscos do Plano de Integridade." value={risk}
          error={fieldError?.riskCategory} onChange={(event) => setRisk(inputValue(event))}>
          <option value="">Sem categoria</option>
          {INTEGRITY_RISK_CATEGORIES.map((c) => <option key={c} value={c}>{INTEGRITY_RISK_LABELS[c]}</option>)}
          {risk && !(INTEGRITY_RISK_CATEGORIES as readonly string[]).includes(risk) && <option value={risk}>{risk}</option>}
        </SelectField>
        <fieldset class="field" aria-describedby={fieldError?.secretariats ? 'ligar-secretarias-erro' : undefined}>
          <legend>Secretarias ligadas ao relato</legend>
          {fieldError?.secretariats && <p id="ligar-secretarias-erro" class="field-error">{fieldError.secretariats}</p>}
          <ul class="checklist">
            {(directory?.secretariats ?? []).map((s) => (
              <li key={s.id}>
                <input id={`ligar-secretaria-${s.id}`} type="checkbox" checked={secretariats.includes(s.id)}
                  onChange={(event) => setSecretariats(toggle(secretariats, s.id, (event.currentTarget as HTMLInputElement).checked))} />
                <label for={`ligar-secretaria-${s.id}`}>{s.name}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset class="field">
          <legend>Serviços ligados ao relato</legend>
          {offered.length === 0 ? <p class="field-hint">Marque uma secretaria para ver os serviços dela.</p> : (
            <ul class="checklist">
              {offered.map((s) => (
                <li key={s.id}>
                  <input id={`ligar-servico-${s.id}`} type="checkbox" checked={services.includes(s.id)}
                    onChange={(event) => setServices(toggle(services, s.id, (event.currentTarget as HTMLInputElement).checked))} />
                  <label for={`ligar-servico-${s.id}`}>{s.name}</label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <p><button type="submit" class="button button-secondary" aria-disabled={action.busy ? 'true' : undefined}>{action.busy ? 'Guardando…' : 'Guardar a classificação'}</button></p>
        <ActionResult text={action.done} />
      </form>
    </section>
  );
}
