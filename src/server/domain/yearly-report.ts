/**
 * The yearly management report of the Ouvidoria and the Carta de Serviços (Law 13.460, arts. 14 and 15):
 * the published panel's computation for one year (computeSnapshot with years: [year], so the small-count
 * rule applies as on the panel: the report is meant to be published), the year's manifestações by outcome
 * and deadline, the year's complaints ranking, and the Integrity Plan's progress.
 */
import { bahiaDay } from '../../shared/dates.ts';
import { PLAN_STATUS_LABELS, type PlanStatus, type ServedIntegrityContent } from '../../shared/contract/integrity-content.ts';
import type { YearlyReport } from '../../shared/contract/radar.ts';
import type { Charter } from '../../shared/contract/charter.ts';
import { SMALL_COUNT } from '../../shared/contract/transparency.ts';
import { servedContent } from './integrity/content.ts';
import type { Queryable } from '../storage/types.ts';
import { integrityReportCount, manifestationOutcomeCounts } from '../storage/ouvidoria-counts.ts';
import { protectGroup, sharePair } from './transparency/disclosure.ts';
import { computeSnapshot } from './transparency/snapshot.ts';
import { complaintsBySecretariat, ouvidoriaForm } from './transparency/channel-counts.ts';

/** The first year the city could have data; the current year is the last one with a report. */
export const FIRST_REPORT_YEAR = 2000;

type Cell = { value: number; hidden: boolean };
const cell = (value: number): Cell => ({ value, hidden: value < SMALL_COUNT });
const shown = (c: Cell): number | null => (c.hidden ? null : c.value);

/** Manifestações received in the year by where they stand, and those closed in the year on time. */
async function manifestationOutcomes(db: Queryable, formId: string | null, from: Date, to: Date) {
  const outcome = await manifestationOutcomeCounts(db, formId, from, to);
  const total = cell(outcome.total);
  const outcomes = { open: cell(outcome.open), answered: cell(outcome.answered), declined: cell(outcome.declined) };
  protectGroup(total, Object.values(outcomes));
  const closed = cell(outcome.closed);
  const withDue = cell(outcome.with_due);
  return {
    manifestationsByOutcome: (Object.entries(outcomes) as ['open' | 'answered' | 'declined', Cell][]).map(([name, c]) => ({ outcome: name, count: shown(c) })),
    manifestationsTotal: shown(total),
    manifestationsClosed: shown(closed),
    // As on the panel: a share is published only when those on time and those late are each 5 or more.
    manifestationsOnTimeShare: closed.hidden || withDue.hidden || sharePair(outcome.on_time, outcome.with_due)[0].hidden ? null : Number((outcome.on_time / outcome.with_due).toFixed(3)),
  };
}

/** Art. 23 for the year: complaints per secretariat they were forwarded to. */
async function complaintsOfYear(db: Queryable, charter: Charter, formId: string | null, from: Date, to: Date) {
  const complaintsBy = await complaintsBySecretariat(db, formId, from, to);
  // As on the panel: the secretariats' counts and the not-yet-forwarded add up to the year's complaints,
  // so they are protected together, and a hidden count keeps its place a secret too (last, by name).
  const ranking = charter.secretariats.map((s) => ({ secretariatId: s.id, name: s.name, n: complaintsBy.get(s.id) ?? 0, cell: cell(complaintsBy.get(s.id) ?? 0) }));
  const notForwarded = cell(complaintsBy.get(null) ?? 0);
  protectGroup(cell([...complaintsBy.values()].reduce((sum, n) => sum + n, 0)), [...ranking.map((item) => item.cell), notForwarded]);
  ranking.sort((a, b) => Number(a.cell.hidden) - Number(b.cell.hidden) || (a.cell.hidden ? 0 : b.n - a.n) || a.name.localeCompare(b.name, 'pt-BR'));
  return {
    complaintsRanking: ranking.map((item) => ({ secretariatId: item.secretariatId, name: item.name, complaints: shown(item.cell) })),
    complaintsNotForwarded: shown(notForwarded),
  };
}

/** Only days that are over, as on the panel: a count that moved today would time each new report. */
async function integrityReportsOfYear(db: Queryable, year: number, now: Date): Promise<number> {
  return integrityReportCount(db, `${year}-01-01`, `${year + 1}-01-01`, bahiaDay(now));
}

/** The Integrity Plan's progress, as it is served to everyone. */
async function planProgress(db: Queryable): Promise<YearlyReport['plan']> {
  const served = await servedContent(db);
  const content = served ? (JSON.parse(served.body) as ServedIntegrityContent) : null;
  return content ? {
    title: content.plan.title,
    period: content.plan.period,
    actions: content.plan.actions.map((a) => ({
      id: a.id, title: a.title, responsible: a.responsible, deadline: a.deadline, status: a.status, statusLabel: PLAN_STATUS_LABELS[a.status as PlanStatus] ?? a.status, progress: a.progress,
    })),
  } : null;
}

export async function yearlyReport(db: Queryable, charter: Charter, year: number, now = new Date()): Promise<YearlyReport> {
  const snapshot = await computeSnapshot(db, charter, now, { years: [year] });
  const key = String(year);
  const period = snapshot.periods.find((p) => p.key === key)!;
  const from = new Date(period.from);
  const to = new Date(period.to);
  // The Ouvidoria's form (its "tipo" offers reclamação), as the panel finds it.
  const form = ouvidoriaForm(charter);
  const tipos = form?.fields.find((f) => f.id === 'tipo')?.options ?? [];
  const byType = snapshot.manifestations[key] ?? {};
  const outcomes = await manifestationOutcomes(db, form?.id ?? null, from, to);
  const complaints = await complaintsOfYear(db, charter, form?.id ?? null, from, to);
  const integrity = await integrityReportsOfYear(db, year, now);
  return {
    year,
    computedAt: snapshot.computedAt,
    from: bahiaDay(from),
    to: bahiaDay(new Date(to.getTime() - 1)),
    manifestationsByType: tipos.map((option) => ({ tipo: option.value, label: option.label.split(':')[0]!.trim(), count: byType[option.value] ?? null })),
    ...outcomes,
    secretariats: snapshot.secretariats.map((s) => {
      const m = s.periods[key]!;
      return {
        id: s.id, name: s.name, received: m.received, closed: m.closed, onTimeShare: m.onTimeShare, declinedShare: m.declinedShare,
        medianDays: m.medianDays, evaluations: m.evaluations, evaluationAverage: m.evaluationAverage,
      };
    }),
    ...complaints,
    integrityReports: shown(cell(integrity)),
    plan: await planProgress(db),
  };
}

/** The year asked for, or a reason in pt-BR: four digits, from 2000 to the current year (in Bahia). */
export function parseYear(input: unknown, now = new Date()): { ok: true; year: number } | { ok: false; message: string } {
  const current = Number(bahiaDay(now).slice(0, 4));
  if (input === undefined || input === '') return { ok: true, year: current };
  const message = `Ano inválido: informe um ano com quatro algarismos, de ${FIRST_REPORT_YEAR} a ${current} (por exemplo, ?ano=${current}).`;
  if (typeof input !== 'string' || !/^\d{4}$/.test(input)) return { ok: false, message };
  const year = Number(input);
  return year >= FIRST_REPORT_YEAR && year <= current ? { ok: true, year } : { ok: false, message };
}
