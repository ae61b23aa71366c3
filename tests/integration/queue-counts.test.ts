/**
 * Issue 16, item 6: the queue's counts per status come from queue_counts, kept by triggers (migrations 018, 019: with the district).
 * After every kind of change (a new submission, a status change, a transfer, a forward, a bulk update, a
 * deletion) the kept counts equal a COUNT(*) over the submissions, and the counts the queue answers equal
 * those of a filter that counts the submissions themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTestCharter } from '../support/app-charter.ts';
import { BACKENDS, VALID_CPF, postJson, startServer, type TestServer } from '../support/server.ts';
import { StaffClient, addAccount } from '../support/staff.ts';

const charter = appTestCharter();
const MANIFESTATION_FORM = charter.forms.find((f) => f.id === 'manifestacao-ouvidoria')!;

function potholeRequest() {
  return {
    id: crypto.randomUUID(), kind: 'request', serviceId: 'tapa-buraco', formId: 'tapa-buraco',
    formVersion: charter.forms.find((f) => f.id === 'tapa-buraco')!.version,
    answers: { local: { district: 'sede', village: 'Centro' }, endereco: 'Rua das Flores, 10', tamanho: 'grande', cpf: VALID_CPF, consentimento: true },
    attachments: [], createdAt: new Date().toISOString(),
  };
}

function manifestation() {
  return {
    id: crypto.randomUUID(), kind: 'manifestation', serviceId: 'manifestacao-ouvidoria', formId: MANIFESTATION_FORM.id, formVersion: MANIFESTATION_FORM.version,
    answers: { tipo: 'reclamacao', assunto: 'Recepção do posto', relato: 'A recepcionista do posto do Centro me tratou mal.', identificar: false, consentimento: true },
    attachments: [], createdAt: new Date().toISOString(),
  };
}

describe.each(BACKENDS)('the queue\'s kept counts on %s', (backend) => {
  let server: TestServer;
  let ouvidoria: StaffClient;
  let gestorInfra: StaffClient;

  beforeAll(async () => {
    server = await startServer({ backend, charter });
    ouvidoria = new StaffClient(server.url);
    await ouvidoria.signIn((await addAccount(server.storage, ['ouvidoria'], [])).email);
    gestorInfra = new StaffClient(server.url);
    await gestorInfra.signIn((await addAccount(server.storage, ['gestor'], ['infraestrutura'])).email);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function file(item: { id: string }): Promise<string> {
    expect((await postJson(`${server.url}/api/submissions`, item)).status).toBe(201);
    return item.id;
  }

  /** queue_counts (its empty slices aside) against the submissions counted now, slice by slice. */
  async function expectKeptCountsTrue(): Promise<void> {
    const kept = await server.storage.query<{ slice: string; n: number }>(
      `SELECT concat_ws('/', kind, secretariat_id, forwarded_to, service_id, status, district) AS slice, n::int AS n FROM queue_counts WHERE n <> 0 ORDER BY 1`);
    const counted = await server.storage.query<{ slice: string; n: number }>(
      `SELECT concat_ws('/', kind, secretariat_id, coalesce(forwarded_to, ''), service_id, status, coalesce(district, '')) AS slice, count(*)::int AS n FROM submissions GROUP BY 1 ORDER BY 1`);
    expect(counted.rows.length).toBeGreaterThan(0);
    expect(kept.rows).toEqual(counted.rows);
  }

  /**
   * The counts the queue answers from queue_counts; for requests, equal to those of a filter that counts the
   * submissions themselves and reaches the same rows (every pothole here is in the village of Centro).
   */
  async function expectQueueCountsTrue(client: StaffClient, kind: 'request' | 'manifestation'): Promise<Record<string, number>> {
    const kept = await client.call('GET', `/api/gestao/requests?kind=${kind}&limit=1`);
    expect(kept.status).toBe(200);
    if (kind === 'request') {
      const counted = await client.call('GET', '/api/gestao/requests?kind=request&village=Centro&limit=1');
      expect(kept.body.counts).toEqual(counted.body.counts);
    }
    return kept.body.counts;
  }

  it('equal a COUNT(*) after new submissions, a status change, a transfer, a forward, a bulk update and a deletion', async () => {
    const potholes = [await file(potholeRequest()), await file(potholeRequest()), await file(potholeRequest())];
    const complaints = [await file(manifestation()), await file(manifestation())];
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(gestorInfra, 'request')).toEqual({ received: 3 });
    expect(await expectQueueCountsTrue(ouvidoria, 'manifestation')).toEqual({ received: 2 });

    expect((await gestorInfra.call('POST', `/api/gestao/requests/${potholes[0]}/status`, { body: { status: 'in_progress', note: 'Equipe a caminho.' } })).status).toBe(200);
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(gestorInfra, 'request')).toEqual({ received: 2, in_progress: 1 });

    expect((await gestorInfra.call('POST', `/api/gestao/requests/${potholes[1]}/transfer`, { body: { secretariatId: 'servicos-publicos', reason: 'É iluminação.' } })).status).toBe(200);
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(gestorInfra, 'request')).toEqual({ received: 1, in_progress: 1 });

    expect((await ouvidoria.call('POST', `/api/gestao/requests/${complaints[0]}/forward`, { body: { secretariatId: 'saude', note: 'Verificar.' } })).status).toBe(200);
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(ouvidoria, 'manifestation')).toEqual({ received: 1, in_review: 1 });

    // Several rows in one statement, each moving between slices.
    await server.storage.query(`UPDATE submissions SET status = 'done' WHERE kind = 'request' AND id = ANY($1::uuid[])`, [[potholes[0], potholes[2]]]);
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(gestorInfra, 'request')).toEqual({ done: 2 });

    // A district corrected: a district's kept count follows it, as equal as one counted row by row (the village).
    await server.storage.query(`UPDATE submissions SET district = 'pradoso' WHERE id = $1`, [potholes[0]]);
    await expectKeptCountsTrue();
    expect((await gestorInfra.call('GET', '/api/gestao/requests?kind=request&district=pradoso&limit=1')).body.counts).toEqual({ done: 1 });
    const sede = await gestorInfra.call('GET', '/api/gestao/requests?kind=request&district=sede&limit=1');
    expect(sede.body.counts).toEqual({ done: 1 });
    expect((await gestorInfra.call('GET', '/api/gestao/requests?kind=request&district=sede&village=Centro&limit=1')).body.counts).toEqual(sede.body.counts);

    await server.storage.query('DELETE FROM status_history WHERE submission_id = $1', [potholes[2]]);
    await server.storage.query('DELETE FROM submissions WHERE id = $1', [potholes[2]]);
    await expectKeptCountsTrue();
    expect(await expectQueueCountsTrue(gestorInfra, 'request')).toEqual({ done: 1 });
  });
});
