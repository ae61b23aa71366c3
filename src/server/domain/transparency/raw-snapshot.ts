/**
 * The raw figures of the public panel, straight from the database: what `measure` (snapshot.ts) reads and
 * `publish` (publish.ts) protects with the small-count rule before anything is stored or served.
 */
export interface Period {
  key: string;
  label: string;
  from: Date;
  to: Date;
}

export interface RawPeriod {
  received: number;
  closed: number;
  declined: number;
  onTime: number;
  withDue: number;
  medianDays: number | null;
  p90Days: number | null;
  evaluations: number;
  /** Evaluations with a grade (1–5), and the sum of their grades. */
  graded: number;
  gradeSum: number;
  good: number[];
  bad: number[];
}

export interface RawMonth {
  month: string;
  received: number;
  closed: number;
  onTime: number;
  withDue: number;
}

export interface RawEntry {
  id: string;
  name: string;
  periods: RawPeriod[];
  open: number;
  overdue: number;
  trend: RawMonth[];
}

export interface RawSnapshot {
  now: Date;
  periods: Period[];
  months: string[];
  criteria: string[];
  secretariats: RawEntry[];
  services: (RawEntry & { secretariatId: string; promise: string })[];
  manifestations: { tipo: string; perPeriod: number[] }[];
  complaints: { secretariatId: string; name: string; complaints: number }[];
  complaintsNotForwarded: number;
  integrityReports: { month: string; reports: number }[];
}
