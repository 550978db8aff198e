/**
 * The charts of a report, as ECharts options: one definition for both surfaces — the HTML report
 * draws them on the server as SVG strings (cli/charts.ts), the dashboard in the browser
 * (web/src/chart.tsx). Pure functions of the report's values: no engine, no Node, no DOM.
 */
import type { MetricResult } from '../metrics/compute.js';
import type { Benchmark } from '../metrics/types.js';

/** What a chart draws and its size in pixels (the HTML report's; the dashboard scales to its card). */
export interface ChartSpec {
  option: Record<string, unknown>;
  width: number;
  height: number;
}

export const COLOURS = { line: '#2563eb', good: '#16a34a', mid: '#ca8a04', bad: '#dc2626', grey: '#94a3b8' };
const BAND_FILLS = ['rgba(220,38,38,0.08)', 'rgba(202,138,4,0.08)', 'rgba(22,163,74,0.08)', 'rgba(37,99,235,0.08)'];

const spec = (option: Record<string, unknown>, width = 360, height = 160): ChartSpec => ({
  option: { animation: false, textStyle: { fontFamily: 'system-ui, sans-serif', fontSize: 10 }, ...option },
  width,
  height,
});

/** A metric's series, with its benchmark bands shaded behind the line. */
export function trendChart(m: MetricResult, bands: Benchmark['bands'] | undefined): ChartSpec {
  const values = m.series.map((s) => s.value);
  const nums = values.filter((v): v is number => v !== null);
  const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
  const pad = (hi - lo) * 0.25 || Math.abs(hi) * 0.1 || 1;
  const [yMin, yMax] = [lo - pad, hi + pad];
  const visible = (bands ?? []).filter((b) => (b.min ?? -Infinity) < yMax && (b.max ?? Infinity) > yMin);
  const areas = visible.map((b, i) => [
    { yAxis: Math.max(b.min ?? yMin, yMin), itemStyle: { color: BAND_FILLS[i % BAND_FILLS.length] }, name: b.label },
    { yAxis: Math.min(b.max ?? yMax, yMax) },
  ]);
  return spec({
    grid: { left: 44, right: 10, top: 10, bottom: 24 },
    xAxis: { type: 'category', data: m.series.map((s) => s.start.slice(0, 7)), axisLabel: { fontSize: 9 } },
    // The axis fits the data (scale); the bands are clipped to it, so they never squash the line.
    yAxis: { type: 'value', scale: true, splitNumber: 3, axisLabel: { fontSize: 9 } },
    series: [
      {
        type: 'line',
        data: values,
        connectNulls: false,
        symbolSize: 4,
        lineStyle: { color: COLOURS.line, width: 2 },
        itemStyle: { color: COLOURS.line },
        markArea: { silent: true, label: { show: true, position: 'insideTopRight', fontSize: 8, color: '#64748b' }, data: areas },
      },
    ],
  });
}

/** Promoters, passives and detractors as one stacked bar. */
export function npsSplitChart(parts: Record<string, number | null>): ChartSpec {
  const bar = (name: string, key: string, color: string) => ({
    name,
    type: 'bar',
    stack: 'all',
    data: [round(parts[key] ?? 0)],
    itemStyle: { color },
    label: { show: true, formatter: '{c} %', color: '#fff', fontSize: 10 },
  });
  return spec(
    {
      grid: { left: 10, right: 10, top: 24, bottom: 10 },
      legend: { top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 10 } },
      xAxis: { type: 'value', max: 100, show: false },
      yAxis: { type: 'category', data: ['NPS'], show: false },
      series: [bar('detractors', 'detractors', COLOURS.bad), bar('passives', 'passives', COLOURS.grey), bar('promoters', 'promoters', COLOURS.good)],
    },
    360,
    90,
  );
}

/** The five MRR movements, gains up and losses down. */
export function mrrMovementsChart(parts: Record<string, number | null>): ChartSpec {
  const keys = ['new', 'expansion', 'reactivation', 'contraction', 'churn'];
  return spec({
    grid: { left: 56, right: 10, top: 10, bottom: 24 },
    xAxis: { type: 'category', data: keys, axisLabel: { fontSize: 9 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
    series: [
      {
        type: 'bar',
        data: keys.map((k) => ({ value: round(parts[k] ?? 0), itemStyle: { color: (parts[k] ?? 0) < 0 ? COLOURS.bad : COLOURS.good } })),
      },
    ],
  });
}

/** RFM segments: each one's share of the buying customers beside its share of their revenue. */
export function rfmChart(parts: Record<string, number | null>, segments: readonly { id: string; name: string }[]): ChartSpec {
  const names = segments.map((g) => g.name).reverse();
  const values = (suffix: string) => segments.map((g) => round(parts[`${g.id}${suffix}`] ?? 0)).reverse();
  return spec(
    {
      grid: { left: 110, right: 16, top: 24, bottom: 20 },
      legend: { top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 10 } },
      xAxis: { type: 'value', axisLabel: { fontSize: 9, formatter: '{value} %' } },
      yAxis: { type: 'category', data: names, axisLabel: { fontSize: 9 } },
      series: [
        { name: 'customers', type: 'bar', data: values(''), itemStyle: { color: COLOURS.line } },
        { name: 'revenue', type: 'bar', data: values('_revenue'), itemStyle: { color: COLOURS.good } },
      ],
    },
    360,
    260,
  );
}

/** The cohort matrix: cohorts down, buckets since first activity across, share active as colour. */
export function cohortHeatmap(parts: Record<string, number | null>): ChartSpec {
  // An unobserved cell (null) stays blank: it is not 0 %.
  const cells = Object.entries(parts).flatMap(([key, v]) => {
    const [cohort, k] = key.split('+') as [string, string];
    return v === null ? [] : [{ cohort: cohort.slice(0, 7), k: Number(k), v }];
  });
  const cohorts = [...new Set(cells.map((c) => c.cohort))].sort();
  const ks = Array.from({ length: Math.max(0, ...cells.map((c) => c.k)) }, (_, i) => i + 1);
  return spec(
    {
      grid: { left: 56, right: 10, top: 10, bottom: 40 },
      xAxis: { type: 'category', data: ks.map(String), name: 'buckets later', nameLocation: 'middle', nameGap: 22, axisLabel: { fontSize: 9 } },
      yAxis: { type: 'category', data: cohorts, axisLabel: { fontSize: 9 } },
      visualMap: { min: 0, max: 100, show: false, inRange: { color: ['#eff6ff', '#1d4ed8'] } },
      series: [{ type: 'heatmap', data: cells.map((c) => [ks.indexOf(c.k), cohorts.indexOf(c.cohort), round(c.v)]), label: { show: cells.length <= 80, fontSize: 8 } }],
    },
    360,
    Math.max(160, 20 * cohorts.length + 50),
  );
}

/** The survival curve through its reported points (months → share still a customer). */
export function survivalChart(parts: Record<string, number | null>): ChartSpec {
  const points: [number, number][] = [[0, 100], ...(['1', '3', '6', '12', '24'] as const).map((m): [number, number] => [Number(m), round(parts[`s${m}`] ?? 0)])];
  return spec({
    grid: { left: 40, right: 10, top: 10, bottom: 30 },
    xAxis: { type: 'value', name: 'months', nameLocation: 'middle', nameGap: 18, axisLabel: { fontSize: 9 } },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { fontSize: 9, formatter: '{value} %' } },
    series: [{ type: 'line', step: 'end', data: points, lineStyle: { color: COLOURS.line }, itemStyle: { color: COLOURS.line } }],
  });
}

/** Delivered → opened → clicked → converted, as shares of delivered. */
export function emailFunnel(openRate: number | null, ctr: number | null, conversion: number | null): ChartSpec {
  const data = [
    { name: 'delivered', value: 100 },
    { name: 'opened', value: round(openRate ?? 0) },
    { name: 'clicked', value: round(ctr ?? 0) },
    { name: 'converted', value: round(conversion ?? 0) },
  ];
  return spec({
    series: [
      { type: 'funnel', left: 10, right: 10, top: 10, bottom: 10, sort: 'none', minSize: '30%', label: { position: 'inside', formatter: '{b}: {c} %', fontSize: 10, color: '#fff' }, data },
    ],
  });
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The tracking plot: cumulative repeat purchases by week, observed and expected, the calibration end marked. */
export function trackingChart(points: readonly { date: string; actual: number; predicted: number }[], calibrationEnd: string): ChartSpec {
  return spec(
    {
      grid: { left: 60, right: 10, top: 24, bottom: 30 },
      legend: { top: 0, textStyle: { fontSize: 10 } },
      xAxis: { type: 'category', data: points.map((p) => p.date), axisLabel: { fontSize: 9 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
      series: [
        { name: 'observed', type: 'line', showSymbol: false, data: points.map((p) => p.actual), lineStyle: { color: COLOURS.line }, itemStyle: { color: COLOURS.line } },
        {
          name: 'model',
          type: 'line',
          showSymbol: false,
          data: points.map((p) => round(p.predicted)),
          lineStyle: { color: COLOURS.bad, type: 'dashed' },
          itemStyle: { color: COLOURS.bad },
          markLine: { symbol: 'none', label: { formatter: 'calibration end', fontSize: 9 }, lineStyle: { color: COLOURS.grey }, data: [{ xAxis: points.find((p) => p.date >= calibrationEnd)?.date ?? calibrationEnd }] },
        },
      ],
    },
    640,
    260,
  );
}

/** Conditional expectations: mean holdout purchases per calibration frequency, observed and expected. */
export function conditionalChart(groups: readonly { frequency: string; actual: number; predicted: number }[]): ChartSpec {
  return spec(
    {
      grid: { left: 40, right: 10, top: 24, bottom: 30 },
      legend: { top: 0, textStyle: { fontSize: 10 } },
      xAxis: { type: 'category', name: 'calibration repeat purchases', nameLocation: 'middle', nameGap: 18, data: groups.map((g) => g.frequency), axisLabel: { fontSize: 9 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
      series: [
        { name: 'observed', type: 'line', data: groups.map((g) => round(g.actual)), lineStyle: { color: COLOURS.line }, itemStyle: { color: COLOURS.line } },
        { name: 'model', type: 'line', data: groups.map((g) => round(g.predicted)), lineStyle: { color: COLOURS.bad, type: 'dashed' }, itemStyle: { color: COLOURS.bad } },
      ],
    },
    640,
    260,
  );
}

/** Expected repeat purchases of a new customer by horizon, one line per purchase model. */
export function newCustomerChart(points: readonly { months: number; bgnbd: number; paretonbd: number | null }[]): ChartSpec {
  const hasPareto = points.some((p) => p.paretonbd !== null);
  return spec(
    {
      grid: { left: 40, right: 10, top: 24, bottom: 30 },
      legend: { top: 0, textStyle: { fontSize: 10 } },
      xAxis: { type: 'value', name: 'months', nameLocation: 'middle', nameGap: 18, min: 0, axisLabel: { fontSize: 9 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 9 } },
      series: [
        { name: 'BG/NBD', type: 'line', data: [[0, 0], ...points.map((p) => [p.months, round(p.bgnbd)])], lineStyle: { color: COLOURS.line }, itemStyle: { color: COLOURS.line } },
        ...(hasPareto
          ? [{ name: 'Pareto/NBD', type: 'line', data: [[0, 0], ...points.map((p) => [p.months, round(p.paretonbd ?? 0)])], lineStyle: { color: COLOURS.bad, type: 'dashed' }, itemStyle: { color: COLOURS.bad } }]
          : []),
      ],
    },
    640,
    240,
  );
}

/** P(alive) by repeat purchases (rows) and time of the last purchase (columns), as a heatmap in percent. */
export function aliveMatrixChart(m: { frequencies: readonly number[]; recencies: readonly number[]; values: readonly (readonly number[])[] }, unit: string): ChartSpec {
  const data = m.values.flatMap((row, i) => row.map((v, j) => [j, i, Math.round(v * 100)]));
  return spec(
    {
      grid: { left: 48, right: 70, top: 10, bottom: 40 },
      xAxis: { type: 'category', data: m.recencies.map((r) => String(Math.round(r))), name: `time of the last purchase (${unit}s)`, nameLocation: 'middle', nameGap: 24, axisLabel: { fontSize: 9 } },
      yAxis: { type: 'category', data: m.frequencies.map(String), name: 'repeat purchases', nameLocation: 'middle', nameGap: 32, axisLabel: { fontSize: 9 } },
      visualMap: { min: 0, max: 100, orient: 'vertical', right: 0, top: 'middle', itemHeight: 120, text: ['100 % alive', '0 %'], textStyle: { fontSize: 9 }, inRange: { color: ['#fee2e2', '#fef9c3', '#dcfce7', '#15803d'] } },
      series: [{ type: 'heatmap', data }],
    },
    640,
    Math.max(220, 8 * m.frequencies.length + 60),
  );
}

const GRAIN_WORD: Record<string, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly', quarter: 'Quarterly', year: 'Yearly' };

/**
 * The bands to shade behind a series, and what the chart's caption says: a band defined for
 * monthly values is drawn behind a monthly series only, never behind values of another length.
 */
export function trendBands(m: MetricResult, grain: string): { bands: Benchmark['bands'] | undefined; caption: string } {
  const b = m.benchmark;
  const basis = `${GRAIN_WORD[grain] ?? grain} values; the headline is over the whole period.`;
  if (!b) return { bands: undefined, caption: basis };
  if (b.basis && b.basis !== grain) return { bands: undefined, caption: `${basis} Bands not drawn: they rate ${b.basis === 'month' ? 'monthly' : 'annual'} values.` };
  return { bands: b.bands, caption: `${basis} Shaded: benchmark bands.` };
}

/**
 * The chart that belongs under a metric beside its trend, if any: the NPS split, the MRR
 * movements, the cohort matrix, the survival curve, the RFM segments, the email funnel. The RFM
 * segments come from the caller (the models' list), so this module stays free of values.
 */
export function extraChartOf(m: MetricResult, all: ReadonlyMap<string, MetricResult>, rfmSegments: readonly { id: string; name: string }[]): ChartSpec | null {
  if (m.id === 'email_open_rate' && m.value !== null) return emailFunnel(m.value, all.get('email_ctr')?.value ?? null, all.get('email_conversion_rate')?.value ?? null);
  if (!m.parts) return null;
  switch (m.id) {
    case 'nps':
      return npsSplitChart(m.parts);
    case 'mrr_movements':
      return mrrMovementsChart(m.parts);
    case 'cohort_retention':
      return Object.keys(m.parts).length ? cohortHeatmap(m.parts) : null;
    case 'survival':
      return survivalChart(m.parts);
    case 'rfm':
      return rfmChart(m.parts, rfmSegments);
    default:
      return null;
  }
}
