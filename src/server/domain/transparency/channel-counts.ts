/**
 * What the public panel counts of the Ouvidoria and of the integrity channel: manifestações by type, the
 * complaints about each secretariat, and integrity reports per month (measured beside the requests'
 * figures in snapshot.ts).
 */
import { bahiaDay } from '../../../shared/dates.ts';
import type { Charter } from '../../../shared/contract/charter.ts';
import type { Period, RawSnapshot } from './raw-snapshot.ts';
import type { Queryable } from '../../storage/types.ts';
import { complaintCounts, integrityReportMonths, manifestationTypeCounts } from '../../storage/ouvidoria-counts.ts';

/** The Ouvidoria's form: the manifestation form whose "tipo" offers reclamação. */
export function ouvidoriaForm(charter: Charter): Charter['forms'][number] | undefined {
  return charter.forms.find((f) => f.kind === 'manifestation' && f.fields.some((field) => field.id === 'tipo' && field.options?.some((o) => o.value === 'reclamacao')));
}

/** Complaints (manifestações of type reclamação) received in [from, to), by the secretariat they were forwarded to (null: not yet). */
export async function complaintsBySecretariat(db: Queryable, formId: string | null, from: Date, to: Date): Promise<Map<string | null, number>> {
  const rows = await complaintCounts(db, formId, from, to);
  return new Map(rows.map((row) => [row.secretariat, row.n]));
}

/**
 * Manifestações to the Ouvidoria by type, and the complaints about each secretariat (art. 23): a
 * complaint counts against the secretariat the Ouvidoria forwarded it to.
 */
export async function ouvidoriaCounts(db: Queryable, charter: Charter, periods: readonly Period[], now: Date): Promise<Pick<RawSnapshot, 'manifestations' | 'complaints' | 'complaintsNotForwarded'>> {
  const formId = ouvidoriaForm(charter)?.id ?? null;
  const byType = await manifestationTypeCounts(db, formId, periods, now);
  const tipos = charter.forms.find((f) => f.id === formId)?.fields.find((f) => f.id === 'tipo')?.options?.map((o) => o.value) ?? [];
  const manifestations = tipos.map((tipo) => {
    const row = byType.find((r) => r.tipo === tipo);
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
  // Only days that are over: a count that grew during the day would time a report's arrival to the
  // snapshot's minute, and a report's time is kept to the day.
  const integrity = await integrityReportMonths(db, `${months[0]}-01`, bahiaDay(now));
  const integrityBy = new Map(integrity.map((row) => [row.month, row.n]));
  return months.map((month) => ({ month, reports: integrityBy.get(month) ?? 0 }));
}
