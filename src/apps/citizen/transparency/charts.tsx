/**
 * The panel's charts: plain SVG (no library), each inside a <figure> with its title, a one-sentence summary
 * in plain words and a real <table> of the same numbers, so nobody needs to see the drawing. The SVG is
 * one image (role="img") whose name is the title and the sentence. Colours are attributes (the CSP allows
 * no inline style) and meet 3:1 against white; the two lines differ by dash too, never by colour alone.
 */
import type { ComponentChildren } from 'preact';

export const COLORS = { bar: '#0b4f8a', first: '#0b4f8a', second: '#8a3c00', grid: '#767676' } as const;

export interface TableData {
  head: string[];
  rows: { key: string; cells: string[] }[];
}

export function DataTable({ caption, table, captionId }: { caption: string; table: TableData; captionId: string }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table class="data-table">
        <caption id={captionId} class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.head.map((cell, i) => <th key={i} scope="col">{cell}</th>)}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, i) => (i === 0 ? <th key={i} scope="row">{cell}</th> : <td key={i}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A chart with its title, its sentence and its table. */
export function ChartFigure({ id, title, summary, table, children }: { id: string; title: string; summary: string; table: TableData; children: ComponentChildren }) {
  return (
    <figure class="chart stack" aria-labelledby={`${id}-titulo`} data-testid="chart">
      <figcaption id={`${id}-titulo`} class="chart-title">{title}</figcaption>
      {children}
      <p class="chart-summary" data-testid="chart-summary">{summary}</p>
      <DataTable caption={`${title}: os números`} captionId={`${id}-tabela`} table={table} />
    </figure>
  );
}

const W = 320;

/** Long names are cut in the drawing only; the table beside it has them whole. */
function clip(text: string, max = 44): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

export interface Bar {
  label: string;
  value: number | null;
  /** The value in words, written at the end of the bar ("83%", "menos de 5"). */
  text: string;
}

/** Horizontal bars, one per row: the label above, the bar and its value below. */
export function BarChart({ bars, label, max }: { bars: Bar[]; label: string; max?: number }) {
  const ROW = 42;
  const room = W - 92;
  const top = Math.max(max ?? 0, ...bars.map((bar) => bar.value ?? 0));
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${Math.max(1, bars.length) * ROW}`} role="img" aria-label={label} focusable="false">
      {bars.map((bar, i) => {
        const y = i * ROW;
        const width = bar.value === null || top <= 0 ? 0 : Math.max(bar.value > 0 ? 2 : 0, (bar.value / top) * room);
        return (
          <g key={i}>
            <text x="0" y={y + 14}>{clip(bar.label)}</text>
            {bar.value !== null ? <rect x="0" y={y + 20} width={width.toFixed(1)} height="14" rx="2" fill={COLORS.bar} /> : null}
            <text x={bar.value === null ? 0 : (width + 6).toFixed(1)} y={y + 32} class={bar.value === null ? 'chart-hidden' : 'chart-value'}>{bar.text}</text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Series {
  name: string;
  values: (number | null)[];
  color: string;
  dashed?: boolean;
}

/** 7 → 10, 23 → 25, 140 → 200: the top of the axis. */
function niceTop(value: number): number {
  if (value <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

/**
 * Lines over the months, one per series. A month the server hid (null: fewer than 5) breaks the line
 * there: drawing it at zero or joining across it would say something the data does not.
 */
export function LineChart({ labels, years, series, label }: { labels: string[]; years?: (string | null)[]; series: Series[]; label: string }) {
  const H = 212;
  const [left, right, top, bottom] = [34, 14, 12, 40];
  const n = labels.length;
  const max = niceTop(Math.max(0, ...series.flatMap((s) => s.values.map((value) => value ?? 0))));
  const x = (i: number) => left + (n <= 1 ? 0 : (i * (W - left - right)) / (n - 1));
  const y = (value: number) => top + (H - top - bottom) * (1 - value / max);
  const ticks = [0, max / 2, max];
  const paths = (values: (number | null)[]) => {
    let d = '';
    let drawing = false;
    values.forEach((value, i) => {
      if (value === null) {
        drawing = false;
        return;
      }
      d += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)} ${y(value).toFixed(1)}`;
      drawing = true;
    });
    return d;
  };
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} focusable="false">
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={left} x2={W - right} y1={y(tick)} y2={y(tick)} stroke={COLORS.grid} stroke-width={tick === 0 ? 1.5 : 0.5} />
          <text x={left - 4} y={y(tick) + 4} text-anchor="end" class="chart-axis">{Number.isInteger(tick) ? tick : tick.toFixed(1).replace('.', ',')}</text>
        </g>
      ))}
      {labels.map((text, i) => (
        <g key={i}>
          <text x={x(i)} y={H - 22} text-anchor="middle" class="chart-axis">{text}</text>
          {years?.[i] ? <text x={x(i)} y={H - 6} text-anchor="middle" class="chart-axis">{years[i]}</text> : null}
        </g>
      ))}
      {series.map((s) => (
        <g key={s.name}>
          <path d={paths(s.values)} fill="none" stroke={s.color} stroke-width="2.5" stroke-dasharray={s.dashed ? '6 4' : undefined} />
          {s.values.map((value, i) => (value === null ? null : (
            s.dashed
              ? <rect key={i} x={x(i) - 3.5} y={y(value) - 3.5} width="7" height="7" fill={s.color} />
              : <circle key={i} cx={x(i)} cy={y(value)} r="3.5" fill={s.color} />
          )))}
        </g>
      ))}
    </svg>
  );
}

/** The key of a line chart, in words and with the line's own look. */
export function Legend({ series }: { series: Series[] }) {
  return (
    <ul class="chart-legend">
      {series.map((s) => (
        <li key={s.name}>
          <svg viewBox="0 0 28 10" width="28" height="10" aria-hidden="true" focusable="false">
            <line x1="0" x2="28" y1="5" y2="5" stroke={s.color} stroke-width="2.5" stroke-dasharray={s.dashed ? '6 4' : undefined} />
          </svg>
          {s.name}{s.dashed ? ' (linha tracejada)' : ' (linha contínua)'}
        </li>
      ))}
    </ul>
  );
}
