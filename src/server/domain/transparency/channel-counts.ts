/**
 * What the public panel counts of the Ouvidoria and of the integrity channel: manifestações by type, the
 * complaints about each secretariat, and integrity reports per month (measured beside the requests'
 * figures in snapshot.ts).
 */
import { bahiaDay } from '../../../shared/dates.ts';
import type { Charter } from '../../../shared/contract/charter.ts';
import type { Period, RawSnapshot } from './raw-snapshot.ts';
import type { Queryable } from '../../storage/types.ts';

/** The Ouvidoria's form: the manifestation form whose "tipo" offers reclamação. */
export function ouvidoriaForm(charter: Charter): Charter['forms'][number] | undefined {
  return charter.forms.find((f) => f.kind === 'manifestation' && f.fields.some((field) => field.id === 'tipo' && field.options?.some((o) => o.value === 'reclamacao')));
}

/** Complaints (manifestações of type reclamação) received in [from, to), by the secretariat they were forwarded to (null: not yet). */
export async function complaintsBySecretariat(db: Queryable, formId: string | null, from: Date, to: Date): Promise<Map<string | null, number>> {
  const rows = await db.query<{ secretariat: string | null; n: number }>(
    `SELECT s.forwarded_to AS secretariat, count(*)::int AS n
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 AND s.answers ->> 'tipo' = 'reclamacao'
       AND s.received_at >= $2 AND s.received_at < $3
     GROUP BY 1`,
    [formId, from, to],
  );
  return new Map(rows.rows.map((row) => [row.secretariat, row.n]));
}

/**
 * Manifestações to the Ouvidoria by type, and the complaints about each secretariat (art. 23): a
 * complaint counts against the secretariat the Ouvidoria forwarded it to.
 */
export async function ouvidoriaCounts(db: Queryable, charter: Charter, periods: readonly Period[], now: Date): Promise<Pick<RawSnapshot, 'manifestations' | 'complaints' | 'complaintsNotForwarded'>> {
  const formId = ouvidoriaForm(charter)?.id ?? null;
  const typeParams: unknown[] = [formId, new Date(Math.min(...periods.map((p) => p.from.getTime()))), now];
  const typeCols = periods.map((period, i) => {
    typeParams.push(period.from, period.to);
    return `count(*) FILTER (WHERE s.received_at >= $${typeParams.length - 1} AND s.received_at < $${typeParams.length}) AS p_${i}`;
  });
  const byType = await db.query<Record<string, unknown> & { tipo: string | null }>(
    `SELECT s.answers ->> 'tipo' AS tipo, ${typeCols.join(', ')}
     FROM submissions s WHERE s.kind = 'manifestation' AND s.form_id = $1 AND s.received_at >= $2 AND s.received_at < $3 GROUP BY 1`,
    typeParams,
  );
  const tipos = charter.forms.find((f) => f.id === formId)?.fields.find((f) => f.id === 'tipo')?.options?.map((o) => o.value) ?? [];
  const manifestations = tipos.map((tipo) => {
    const row = byType.rows.find((r) => r.tipo === tipo);
    return { tipo, perPeriod: periods.map((_, i) => Number(row?.[`p_${i}`] ?? 0)) };
  });
  const last12 = periods[1]!;
  const complaintsBy = await complaintsBySecretariat(db, formId, last12.from, last12.to);
  return {
    manifestations,
    complaints: charter.secretariats.map((s) => ({ secretariatId: s.id, name: s.name, complaints: complaintsBy.get(s.id) ?? 0 })),
    complaintsNotForwarded: complaintsBy.get(null) ?? 0,
  };
}

/** Integrity reports received per month of the trend. */
export async function integrityReportsByMonth(db: Queryable, months: readonly string[], now: Date): Promise<RawSnapshot['integrityReports']> {
  const integrity = await db.query<{ month: string; n: number }>(
    // Only days that are over: a count that grew during the day would time a report's arrival to the
    // snapshot's minute, and a report's time is kept to the day.
    `SELECT to_char(received_day, 'YYYY-MM') AS month, count(*)::int AS n FROM integrity_reports
     WHERE received_day >= $1::date AND received_day < $2::date GROUP BY 1`,
    [`${months[0]}-01`, bahiaDay(now)],
  );
  const integrityBy = new Map(integrity.rows.map((row) => [row.month, row.n]));
  return months.map((month) => ({ month, reports: integrityBy.get(month) ?? 0 }));
}
