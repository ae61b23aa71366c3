/** What a request says: its facts (status, deadline, who has it), the citizen's answers, the files and the place. */
import type { CharterDirectory, RequestDetail } from '../../../../shared/contract/staff.ts';
import { districtName, secretariatName } from '../../directory.ts';
import { FlagWords } from '../../ui/flag-words.tsx';
import { STATUS_WORDS, dateTimeWords, sizeWords, staffDateWords } from '../../ui/words.ts';

interface FactsProps {
  request: RequestDetail;
  directory: CharterDirectory | null;
}

export function RequestFacts({ request, directory }: FactsProps) {
  const manifestation = request.kind === 'manifestation';
  return (
    <dl class="facts facts-inline" data-testid="request-facts">
      <div><dt>Situação</dt><dd data-testid="request-status">{STATUS_WORDS[request.status]}</dd></div>
      <div><dt>Prazo</dt><dd data-testid="request-due">{request.dueAt ? staffDateWords(request.dueAt) : 'sem prazo'}{request.flag ? <> <FlagWords flag={request.flag} kind={request.kind} /></> : null}</dd></div>
      {manifestation && (
        <div><dt>Prazo legal</dt><dd data-testid="legal-deadline">{request.extended ? '60 dias: 30 dias, prorrogados uma vez por mais 30' : '30 dias (Lei 13.460), prorrogável uma vez por mais 30'}</dd></div>
      )}
      {manifestation && <div><dt>Encaminhada para</dt><dd data-testid="forwarded-to">{request.forwardedTo ? secretariatName(directory, request.forwardedTo) : 'ainda não encaminhada'}</dd></div>}
      <div><dt>Recebido em</dt><dd>{dateTimeWords(request.receivedAt)}</dd></div>
      <div><dt>Preenchido no aparelho em</dt><dd>{dateTimeWords(request.createdAt)}</dd></div>
      <div><dt>Secretaria</dt><dd>{secretariatName(directory, request.secretariatId)}</dd></div>
      <div><dt>Responsável</dt><dd>{request.assignedTo?.name ?? 'ninguém ainda'}</dd></div>
      <div><dt>Formulário</dt><dd>{request.formTitle} (versão {request.formVersion})</dd></div>
    </dl>
  );
}

export function RequestAnswers({ request }: { request: RequestDetail }) {
  return (
    <section class="section stack" aria-labelledby="respostas">
      <h2 id="respostas">Respostas do cidadão</h2>
      {request.answers.length === 0 ? <p>Nenhuma resposta.</p> : (
        <dl class="facts answers">
          {request.answers.map((a) => <div key={a.fieldId}><dt>{a.label}</dt><dd>{a.value}</dd></div>)}
        </dl>
      )}
      {request.identityWithheld && (
        <p class="notice">O nome e os contatos de quem fez a manifestação ficam só com a Ouvidoria: a pessoa não autorizou mostrá-los à secretaria.</p>
      )}
    </section>
  );
}

export function RequestAttachments({ request }: { request: RequestDetail }) {
  if (request.attachments.length === 0) return null;
  return (
    <section class="section stack" aria-labelledby="anexos">
      <h2 id="anexos">Fotos e documentos</h2>
      <ul class="attachments">
        {request.attachments.map((file, i) => {
          const href = `/api/gestao/requests/${request.id}/attachments/${file.sha256}`;
          return file.type === 'application/pdf' ? (
            <li key={file.sha256}><a href={href} download>Baixar documento PDF {i + 1} — {file.label} ({sizeWords(file.size)})</a></li>
          ) : (
            <li key={file.sha256}>
              <figure>
                <img src={href} alt={`Foto ${i + 1} enviada em “${file.label}”`} loading="lazy" />
                <figcaption><a href={href} target="_blank" rel="noopener">Abrir a foto {i + 1} em tamanho real</a> ({sizeWords(file.size)})</figcaption>
              </figure>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function RequestPlace({ request, directory }: FactsProps) {
  const location = request.location;
  if (!location) return null;
  return (
    <section class="section stack" aria-labelledby="local">
      <h2 id="local">Local</h2>
      <p>{[location.village, location.district ? districtName(directory, location.district) : undefined].filter(Boolean).join(' · ') || 'Ponto marcado no mapa'}
        {location.lat !== undefined && location.lng !== undefined
          ? ` (${location.lat}, ${location.lng}${location.accuracy !== undefined ? `, precisão de ${Math.round(location.accuracy)} m` : ''})`
          : ''}</p>
      {location.mapUrl && <p><a href={location.mapUrl} target="_blank" rel="noopener noreferrer">Ver o ponto no mapa (OpenStreetMap, abre em outra aba)</a></p>}
    </section>
  );
}
