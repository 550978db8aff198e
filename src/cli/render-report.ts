/** A report for people (terminal table, Markdown) and for spreadsheets (CSV). */
import type { Comparison, MetricResult } from '../metrics/compute.js';
import { metricById } from '../metrics/registry.js';
import type { Report } from '../metrics/report.js';
import { TEAMS } from '../metrics/types.js';
import { SMALL_N, WARNING_SUMMARY, type WarningCode } from '../metrics/warnings.js';
import { renderTable, toCsv, wrapText } from './output.js';

/** Marks a value behind fewer than SMALL_N answers or customers, in every output. */
export const SMALL_MARK = '†';
export const SMALL_LEGEND = `${SMALL_MARK} fewer than ${SMALL_N} answers or customers behind the rate`;
const marked = (unit: string, v: number | null, small: boolean, currency?: string) => `${formatValue(unit, v, currency)}${small ? ` ${SMALL_MARK}` : ''}`;

/**
 * The report's warnings for people. A kind that three or more metrics share (a comparison period
 * before the data, on a young workspace, touches them all) is said once, with their names; the
 * others stay with their metric (`single`, by metric id).
 */
export function readWithCare(r: Report): { grouped: string[]; single: ReadonlyMap<string, string[]> } {
  const byCode = new Map<WarningCode, string[]>();
  for (const m of r.metrics) for (const w of m.warnings) byCode.set(w.code, [...(byCode.get(w.code) ?? []), m.name]);
  const many = new Set([...byCode].filter(([, names]) => names.length >= 3).map(([code]) => code));
  const grouped = [...byCode].filter(([code]) => many.has(code)).map(([code, names]) => `${WARNING_SUMMARY[code]}: ${names.join(', ')}.`);
  const single = new Map(r.metrics.map((m) => [m.id, m.warnings.filter((w) => !many.has(w.code)).map((w) => w.message)]));
  return { grouped, single };
}

/** Every warning line of the report: the grouped kinds, then each metric's own. */
function warningLines(r: Report, name: (s: string) => string): string[] {
  const { grouped, single } = readWithCare(r);
  return [...grouped, ...r.metrics.flatMap((m) => (single.get(m.id) ?? []).map((w) => `${name(m.name)}: ${w}`))];
}

/** The lines above a report: the period, the data's range, and why the period is not the default. */
export function periodLines(r: Report): string[] {
  return [
    `${r.from} to ${r.to} (exclusive), by ${r.grain}, time zone ${r.timezone}; money in ${r.currency}.`,
    ...(r.data ? [`The data runs from ${r.data.first} to ${r.data.last}.`] : []),
    ...(r.period_reason ? [r.period_reason] : []),
  ];
}

const SPARKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const nums = values.filter((v): v is number => v !== null);
  if (!nums.length) return '';
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  return values.map((v) => (v === null ? ' ' : SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * 7)])).join('');
}

/** A value as people read it: with its unit, money with its currency, a duration in the unit that fits. */
export function formatValue(unit: string, v: number | null, currency?: string): string {
  if (v === null) return '–';
  switch (unit) {
    case 'percent':
      return `${v.toFixed(1)} %`;
    case 'money': {
      const amount = v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return currency ? `${amount} ${currency}` : amount;
    }
    case 'count':
      return Math.round(v).toLocaleString('en-US');
    case 'seconds': {
      const a = Math.abs(v);
      return a >= 86_400 ? `${(v / 86_400).toFixed(1)} days` : a >= 3600 ? `${(v / 3600).toFixed(1)} h` : a >= 60 ? `${(v / 60).toFixed(1)} min` : `${v.toFixed(0)} s`;
    }
    case 'days':
      return `${v.toFixed(1)} days`;
    case 'months':
      return `${v.toFixed(1)} months`;
    default:
      // Scores and ratios: at most two decimals, without trailing zeros (NPS 4.8, CLI 2.24).
      return Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toFixed(2)));
  }
}

/**
 * How a change is shown, from its verdict alone: good (better), bad (worse), or muted when it is
 * unchanged or not significant. A change with no test (significant null) keeps its verdict's tone.
 */
export type Tone = 'good' | 'bad' | 'muted';

export function toneOf(c: Comparison): Tone {
  if (c.verdict === 'unchanged' || c.significant === false) return 'muted';
  return c.verdict === 'better' ? 'good' : 'bad';
}

/** "+2.1 pt worse *": the change, its verdict in words and `mark` when significant. */
export function changeText(m: MetricResult, mark = '*', currency?: string): string {
  const c = m.compare;
  if (!c || c.change === null) return '';
  const sign = c.change > 0 ? '+' : '';
  const amount = m.unit === 'percent' ? `${c.change.toFixed(1)} pt` : formatValue(m.unit, c.change, currency);
  const word = c.verdict === 'unchanged' ? 'unchanged' : `${c.verdict}${c.significant ? ` ${mark}` : ''}`;
  return `${sign}${amount} ${word}`;
}

const ANSI: Record<Tone, string> = { good: '\x1b[32m', bad: '\x1b[31m', muted: '\x1b[90m' };
const MARK: Record<Tone, string> = { good: '🟢', bad: '🔴', muted: '⚪' };

function change(m: MetricResult, colour: boolean, currency?: string): string {
  const text = changeText(m, '*', currency);
  return text && colour ? `${ANSI[toneOf(m.compare!)]}${text}\x1b[0m` : text;
}

const row = (m: MetricResult, currency: string | undefined, colour = false) => ({
  metric: m.name,
  value: marked(m.unit, m.value, m.small_n, currency),
  change: change(m, colour, currency),
  band: m.benchmark?.band ?? '',
  n: m.n.toLocaleString('en-US'),
  trend: sparkline(m.series.map((s) => s.value)),
});

/** The metric's row, then a row per definition variant beneath it (when the report has them). */
const rowsOf = (m: MetricResult, currency: string | undefined, colour = false) => [
  row(m, currency, colour),
  ...(m.variants ?? []).map((v) => ({ metric: `  ↳ ${v.name}`, value: formatValue(v.unit, v.value, currency), change: '', band: '', n: v.n.toLocaleString('en-US'), trend: '' })),
];

/** Each variant's reason, under the heading of its metric. */
const variantReasons = (r: Report) => r.metrics.flatMap((m) => (m.variants ?? []).map((v) => ({ metric: m.name, variant: v.name, reason: v.reason })));

/** Grouped by each metric's first owning team; changes coloured by verdict when `colour` (a terminal). */
export function renderReportTable(r: Report, o: { colour?: boolean; width?: number } = {}): string {
  // Prose lines wrap to the terminal's width too, continuation lines indented under their text.
  const wrap = (line: string, indent = '') => {
    if (!o.width) return [line];
    const lead = /^ */.exec(line)![0];
    return wrapText(line.slice(lead.length), Math.max(20, o.width - indent.length)).map((l, i) => (i ? indent : lead) + l);
  };
  const out = ['Retain report', ...periodLines(r).flatMap((l) => wrap(l))];
  for (const team of TEAMS) {
    const ms = r.metrics.filter((m) => metricById(m.id)?.teams[0] === team);
    if (!ms.length) continue;
    out.push('', team.toUpperCase(), renderTable(['metric', 'value', 'change', 'band', 'n', 'trend'], ms.flatMap((m) => rowsOf(m, r.currency, o.colour)), o.width));
  }
  const broken = r.metrics.filter((m) => m.segments?.length);
  if (broken.length) {
    const segments = [...new Set(broken.flatMap((m) => m.segments!.map((x) => x.segment ?? '(none)')))];
    out.push('', `BY ${(r.by ?? 'segment').toUpperCase()}`);
    const rows = broken.map((m) => ({
      metric: m.name,
      ...Object.fromEntries(segments.map((seg) => {
        const x = m.segments!.find((y) => (y.segment ?? '(none)') === seg);
        return [seg, x ? `${marked(m.unit, x.value, x.small_n, r.currency)} (${x.n.toLocaleString('en-US')})` : ''];
      })),
    }));
    out.push(renderTable(['metric', ...segments], rows, o.width));
  }
  const notes = r.metrics.filter((m) => m.value === null && m.note).map((m) => `  ${m.name}: ${m.note}${importHint(m)}`);
  if (notes.length) out.push('', 'NO VALUE', ...notes.flatMap((l) => wrap(l, '    ')));
  const warnings = warningLines(r, (n) => n);
  if (warnings.length) out.push('', 'READ WITH CARE', ...warnings.flatMap((l) => wrap(`  ${l}`, '    ')));
  const reasons = variantReasons(r);
  if (reasons.length) out.push('', 'DEFINITION VARIANTS (beside Retain’s value, never instead of it)', ...reasons.flatMap((x) => wrap(`  ${x.metric}, ${x.variant}: ${x.reason}`, '    ')));
  out.push('', ...legend(r).flatMap((l) => wrap(l)));
  return out.join('\n');
}

/** The command that makes an unavailable metric available, for the terminal. */
const importHint = (m: MetricResult) => (m.needs.length ? ` Import them with retain import ${m.needs[0]} <file>.` : '');

/** What the marks in a report mean, for the marks it uses. */
function legend(r: Report): string[] {
  return [
    ...(r.metrics.some((m) => m.compare) ? ['better / worse: read through each metric’s direction; * significant at the 5 % level'] : []),
    ...(r.metrics.some((m) => m.small_n || m.segments?.some((x) => x.small_n)) ? [SMALL_LEGEND] : []),
  ];
}

const CSV_COLUMNS = ['id', 'name', 'unit', 'value', 'n', 'small_n', 'ci95_low', 'ci95_high', 'band', 'change', 'verdict', 'p', 'significant', 'note', 'warnings'];

export function renderReportCsv(r: Report): string {
  return toCsv(
    CSV_COLUMNS,
    r.metrics.map((m) => ({
      id: m.id,
      name: m.name,
      unit: m.unit,
      value: m.value,
      n: m.n,
      small_n: m.small_n,
      ci95_low: m.ci95?.[0] ?? null,
      ci95_high: m.ci95?.[1] ?? null,
      band: m.benchmark?.band ?? null,
      change: m.compare?.change ?? null,
      verdict: m.compare?.verdict ?? null,
      p: m.compare?.p ?? null,
      significant: m.compare?.significant ?? null,
      note: m.note,
      warnings: m.warnings.map((w) => w.message).join(' ') || null,
    })),
  );
}

export function renderReportMarkdown(r: Report): string {
  const lines = [`# Retain report`, '', ...periodLines(r), ''];
  lines.push('| metric | value | change | band | n | trend |', '| --- | ---: | ---: | --- | ---: | --- |');
  for (const m of r.metrics) {
    for (const x of rowsOf(m, r.currency)) {
      const mark = m.compare && x.change ? `${MARK[toneOf(m.compare)]} ` : '';
      lines.push(`| ${x.metric} | ${x.value} | ${mark}${x.change} | ${x.band} | ${x.n} | ${x.trend} |`);
    }
  }
  const warnings = warningLines(r, (n) => `**${n}**`).map((l) => `- ${l}`);
  if (warnings.length) lines.push('', '## Read with care', '', ...warnings);
  const notes = r.metrics.filter((m) => m.note).map((m) => `- **${m.name}**: ${m.note}`);
  if (notes.length) lines.push('', '## Notes', '', ...notes);
  const reasons = variantReasons(r);
  if (reasons.length) lines.push('', '## Definition variants', '', ...reasons.map((x) => `- **${x.metric}**, ${x.variant}: ${x.reason}`));
  const keys = legend(r);
  if (keys.length) lines.push('', ...keys.map((k) => `_${k}_`));
  return lines.join('\n') + '\n';
}
