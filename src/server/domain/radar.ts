/**
 * The controladoria's risk radar: signals computed from what is stored, each with its subject (a service
 * or a secretariat of the charter), the figures that lit it, the threshold it was compared with, and links
 * to the records behind it. Internal figures (no small-count rule), but never free text nor a citizen's
 * personal data: the queries below read kinds, statuses, dates, ids and protocols, the evaluation's grade,
 * the manifestação's type, and the integrity reports' plain classification columns — never answers,
 * notes or anything sealed.
 */
import { csvCell } from './csv.ts';
import { bahiaDay } from '../../shared/dates.ts';
import {
  DEFAULT_THRESHOLDS, RadarThresholdsSchema, SIGNAL_TITLES, type RadarSignal, type RadarThresholds, type SignalKind,
} from '../../shared/contract/radar.ts';
import type { Charter } from '../../shared/contract/charter.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import type { Queryable, Storage } from '../storage/types.ts';
import { audit, type AuditWho } from './audit.ts';
import {
  complaintGroups, evaluationGroups, integrityClusterRows, openManifestationsDueBefore, repeatedChangeRows, requestGroups,
  thresholdRows, writeThreshold, type GroupRow,
} from '../storage/radar-store.ts';

const DAY = 86_400_000;
/** Closed as an answer: moving from one of these back to an open status is a reopening. */
const CLOSED_STATUSES = ['answered', 'done', 'declined'];

// ---------------------------------------------------------------- thresholds

export async function readThresholds(db: Queryable): Promise<{ thresholds: RadarThresholds; updatedAt: Date | null }> {
  const rows = await thresholdRows(db);
  const thresholds: RadarThresholds = { ...DEFAULT_THRESHOLDS };
  let updatedAt: Date | null = null;
  for (const row of rows) {
    if (row.name in thresholds) (thresholds as unknown as Record<string, number>)[row.name] = Number(row.value);
    if (!updatedAt || row.updated_at > updatedAt) updatedAt = row.updated_at;
  }
  // A value stored by an older version with other bounds falls back to the default.
  const checked = parseContract(RadarThresholdsSchema, thresholds);
  return { thresholds: checked.ok ? checked.value : { ...DEFAULT_THRESHOLDS }, updatedAt };
}

/** Stores the thresholds; returns the changes as "name: old → new" (empty when nothing changed). */
async function saveThresholds(db: Queryable, next: RadarThresholds, accountId: string, at: Date): Promise<string[]> {
  const { thresholds: current } = await readThresholds(db);
  const changes: string[] = [];
  for (const [name, value] of Object.entries(next) as [keyof RadarThresholds, number][]) {
    if (current[name] === value) continue;
    changes.push(`${name}: ${current[name]} → ${value}`);
    await writeThreshold(db, name, value, at, accountId);
  }
  return changes;
}

/** The controladoria's new thresholds and their audit entry, in one transaction; answers how many changed. */
export async function updateThresholds(storage: Storage, who: AuditWho & { accountId: string }, next: RadarThresholds, at = new Date()): Promise<{ ok: true; changed: number }> {
  return storage.transaction(async (tx) => {
    const changes = await saveThresholds(tx, next, who.accountId, at);
    if (changes.length) await audit(tx, who, 'radar_thresholds', { target: changes.join('; ').slice(0, 600) });
    return { ok: true, changed: changes.length };
  });
}

// ---------------------------------------------------------------- the signals

interface Names {
  service(id: string): { name: string; secretariatId: string | null };
  secretariat(id: string): string;
}

function namesOf(charter: Charter | null): Names {
  const services = new Map(charter?.services.map((s) => [s.id, s]) ?? []);
  const secretariats = new Map(charter?.secretariats.map((s) => [s.id, s.name]) ?? []);
  return {
    service: (id) => ({ name: services.get(id)?.name ?? id, secretariatId: services.get(id)?.secretariatId ?? null }),
    secretariat: (id) => secretariats.get(id) ?? id,
  };
}

type Subject = RadarSignal['subject'];
const round = (value: number | null, digits = 3): number | null => (value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const query = (values: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  return `/gestao/pedidos?${params.toString()}`;
};

const n = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export interface RadarOptions {
  /** Whether the reader may open integrity reports (their ids are listed only then). */
  integrityIds: boolean;
}

/** What each signal's reader shares: the clock, the thresholds, the charter's names and how a signal is added. */
interface RadarContext {
  db: Queryable;
  now: Date;
  t: RadarThresholds;
  names: ReturnType<typeof namesOf>;
  ago: (days: number) => Date;
  since30: string;
  subjectOf: (row: GroupRow) => Subject;
  queueOf: (subject: Subject, extra: Record<string, string | undefined>) => string;
  add: (kind: SignalKind, subject: Subject, figures: Record<string, number | null>, threshold: Partial<RadarThresholds>, links: Partial<RadarSignal['links']>) => void;
  options: RadarOptions;
}

// 1 and 4. Requests: the share that missed its deadline among those due in each window (last 30 days
// and the 30 before), and the share closed as "não atendido" (last 30 days and the 12 months before).
async function requestSignals({ db, now, t, ago, since30, subjectOf, queueOf, add }: RadarContext): Promise<void> {
  const requests = await requestGroups(db, now, ago(30), ago(60), ago(30 + 365));
  for (const row of requests) {
    const subject = subjectOf(row);
    const dueRecent = n(row.due_recent);
    const recent = share(n(row.missed_recent), dueRecent);
    const before = share(n(row.missed_before), n(row.due_before)) ?? 0;
    if (dueRecent >= t.minRequests && recent !== null && (recent - before) * 100 >= t.overdueRisePoints - 1e-9) {
      add('overdue_rising', subject, {
        overdueShare: round(recent), overdueSharePrevious: round(before), risePoints: round((recent - before) * 100, 1),
        dueRecent, missedRecent: n(row.missed_recent), duePrevious: n(row.due_before), missedPrevious: n(row.missed_before),
      }, { overdueRisePoints: t.overdueRisePoints, minRequests: t.minRequests }, { queue: queueOf(subject, { overdue: '1' }) });
    }
    const closedRecent = n(row.closed_recent);
    const declined = share(n(row.declined_recent), closedRecent);
    const usual = share(n(row.declined_year), n(row.closed_year)) ?? 0;
    if (closedRecent >= t.minRequests && declined !== null && (declined - usual) * 100 >= t.declinedRisePoints - 1e-9) {
      add('declined_rising', subject, {
        declinedShare: round(declined), declinedShareUsual: round(usual), risePoints: round((declined - usual) * 100, 1),
        closedRecent, declinedRecent: n(row.declined_recent), closedYear: n(row.closed_year), declinedYear: n(row.declined_year),
      }, { declinedRisePoints: t.declinedRisePoints, minRequests: t.minRequests }, { queue: queueOf(subject, { status: 'declined', from: since30 }) });
    }
  }
}

// 2. Evaluations: the 1–5 average of the last 30 days against the 30 before, each with enough of them.
async function evaluationSignals({ db, now, t, ago, since30, subjectOf, queueOf, add }: RadarContext): Promise<void> {
  const evaluations = await evaluationGroups(db, now, ago(30), ago(60));
  for (const row of evaluations) {
    const recent = n(row.recent);
    const before = n(row.before);
    if (recent < t.minEvaluations || before < t.minEvaluations) continue;
    const drop = n(row.average_before) - n(row.average_recent);
    if (drop < t.evaluationDrop - 1e-9) continue;
    const subject = subjectOf(row);
    add('evaluations_falling', subject, {
      average: round(n(row.average_recent), 2), averagePrevious: round(n(row.average_before), 2), drop: round(drop, 2), evaluations: recent, evaluationsPrevious: before,
    }, { evaluationDrop: t.evaluationDrop, minEvaluations: t.minEvaluations }, { queue: queueOf(subject, { kind: 'evaluation', from: since30 }) });
  }
}

// 3. Complaints (manifestações of type "reclamação") about a secretariat — the one the Ouvidoria forwarded
// them to: the last 7 days against the weekly average of the 8 weeks before.
// One grouped query for every secretariat: the counts, and the last 7 days' records (the first 200, in
// order of arrival) that the signal links to.
async function complaintSignals({ db, now, t, names, ago, add }: RadarContext): Promise<void> {
  const complaints = await complaintGroups(db, now, ago(7), ago(7 + 56));
  for (const row of complaints) {
    const weekly = row.before / 8;
    if (row.recent < t.minComplaints || row.recent < t.complaintFactor * weekly - 1e-9) continue;
    const subject: Subject = { type: 'secretariat', id: row.secretariat, name: names.secretariat(row.secretariat), secretariatId: row.secretariat };
    const linked = (row.recent_ids ?? []).map((id, i) => ({ id, protocol: row.recent_protocols?.[i] ?? null }));
    add('complaints_spike', subject, {
      complaints: row.recent, weeklyAverage: round(weekly, 2), factor: weekly > 0 ? round(row.recent / weekly, 2) : null, complaintsPrevious8Weeks: row.before,
    }, { complaintFactor: t.complaintFactor, minComplaints: t.minComplaints }, { requests: linked });
  }
}

// 5. Requests reopened (a public status back from answered/done/declined to an open one) or moved to
// another secretariat (transfers, and forwards of manifestações) again and again; those still open or
// closed in the last 30 days.
async function changeSignals({ db, t, names, ago, add }: RadarContext): Promise<void> {
  const changes = await repeatedChangeRows(db, ago(30), CLOSED_STATUSES, t.repeatedChanges);
  const byService = new Map<string, typeof changes>();
  for (const row of changes) byService.set(row.service_id, [...(byService.get(row.service_id) ?? []), row]);
  for (const [serviceId, rows] of byService) {
    const service = names.service(serviceId);
    const subject: Subject = { type: 'service', id: serviceId, name: service.name, secretariatId: service.secretariatId ?? rows[0]!.secretariat_id };
    add('repeated_changes', subject, {
      requests: rows.length,
      reopenings: rows.reduce((sum, r) => sum + r.reopened, 0),
      transfers: rows.reduce((sum, r) => sum + r.moved, 0),
      mostChanges: Math.max(...rows.map((r) => r.reopened + r.moved)),
    }, { repeatedChanges: t.repeatedChanges }, { requests: rows.slice(0, 200).map((r) => ({ id: r.id, protocol: r.protocol })) });
  }
}

// 6. Open manifestações within N days of their legal deadline (or past it), per secretariat they were
// forwarded to — the Ouvidoria's own when not yet forwarded.
async function deadlineSignals({ db, now, t, names, add }: RadarContext): Promise<void> {
  const near = await openManifestationsDueBefore(db, new Date(now.getTime() + t.deadlineDays * DAY));
  const bySecretariat = new Map<string, typeof near>();
  for (const row of near) {
    const key = row.forwarded_to ?? row.secretariat_id;
    bySecretariat.set(key, [...(bySecretariat.get(key) ?? []), row]);
  }
  for (const [secretariatId, rows] of bySecretariat) {
    const subject: Subject = { type: 'secretariat', id: secretariatId, name: names.secretariat(secretariatId), secretariatId };
    const overdue = rows.filter((r) => r.due_at < now).length;
    add('manifestation_deadline', subject, {
      manifestations: rows.length, overdue, dueSoon: rows.length - overdue,
      soonestDays: round(Math.min(...rows.map((r) => (r.due_at.getTime() - now.getTime()) / DAY)), 1),
    }, { deadlineDays: t.deadlineDays }, { requests: rows.slice(0, 200).map((r) => ({ id: r.id, protocol: r.protocol })) });
  }
}

// 7. Integrity reports linked (by the controladoria's classification, a plain column) to one secretariat
// or one service in the last 30 days: counts and ids only — their contents are sealed.
async function integritySignals({ db, now, t, names, since30, add, options }: RadarContext): Promise<void> {
  // Only days that are over, as every count of integrity reports.
  const integrity = await integrityClusterRows(db, since30, t.integrityCluster, bahiaDay(now));
  for (const row of integrity) {
    const subject: Subject = row.type === 'service'
      ? { type: 'service', id: row.subject, name: names.service(row.subject).name, secretariatId: names.service(row.subject).secretariatId }
      : { type: 'secretariat', id: row.subject, name: names.secretariat(row.subject), secretariatId: row.subject };
    add('integrity_cluster', subject, { reports: row.n }, { integrityCluster: t.integrityCluster }, { integrityReports: options.integrityIds ? row.ids : [] });
  }
}

export async function computeRadar(db: Queryable, charter: Charter | null, thresholds: RadarThresholds, now = new Date(), options: RadarOptions = { integrityIds: false }): Promise<RadarSignal[]> {
  const names = namesOf(charter);
  const signals: RadarSignal[] = [];
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const since30 = bahiaDay(ago(30));
  const subjectOf = (row: GroupRow): Subject => (Number(row.by_secretariat)
    ? { type: 'secretariat', id: row.secretariat_id, name: names.secretariat(row.secretariat_id), secretariatId: row.secretariat_id }
    : { type: 'service', id: row.service_id!, name: names.service(row.service_id!).name, secretariatId: row.secretariat_id });
  const queueOf = (subject: Subject, extra: Record<string, string | undefined>) =>
    query({ ...(subject.type === 'service' ? { service: subject.id } : { secretariat: subject.id }), ...extra });
  const add = (kind: SignalKind, subject: Subject, figures: Record<string, number | null>, threshold: Partial<RadarThresholds>, links: Partial<RadarSignal['links']>) => {
    signals.push({
      id: `${kind}:${subject.type}:${subject.id}`,
      kind,
      subject,
      figures,
      threshold: threshold as Record<string, number>,
      links: { requests: links.requests ?? [], queue: links.queue ?? null, integrityReports: links.integrityReports ?? [] },
    });
  };
  const context: RadarContext = { db, now, t: thresholds, names, ago, since30, subjectOf, queueOf, add, options };
  // One after another, as before: each is one grouped query; the order of the signals is set below.
  for (const signalsOf of [requestSignals, evaluationSignals, complaintSignals, changeSignals, deadlineSignals, integritySignals]) await signalsOf(context);

  const order = Object.keys(SIGNAL_TITLES);
  return signals.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.subject.name.localeCompare(b.subject.name, 'pt-BR') || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------- the weekly digest as CSV

export function radarCsv(signals: readonly RadarSignal[], from: string, to: string): string {
  const header = ['semana_de', 'semana_ate', 'sinal', 'titulo', 'assunto_tipo', 'assunto_id', 'assunto', 'secretaria', 'valores', 'limiares', 'protocolos', 'fila', 'relatos_integridade'];
  const pairs = (record: Record<string, number | null>) => Object.entries(record).map(([k, val]) => `${k}=${val ?? ''}`).join('; ');
  const lines = signals.map((s) => [
    from, to, s.kind, SIGNAL_TITLES[s.kind], s.subject.type === 'service' ? 'servico' : 'secretaria', s.subject.id, s.subject.name, s.subject.secretariatId,
    pairs(s.figures), pairs(s.threshold), s.links.requests.map((r) => r.protocol ?? r.id).join(' '), s.links.queue, s.links.integrityReports.length || null,
  ].map(csvCell).join(','));
  return `\uFEFF${header.join(',')}\r\n${lines.map((line) => `${line}\r\n`).join('')}`;
}
