/**
 * Charts for the HTML report, drawn by ECharts on the server as SVG strings from the shared
 * definitions (src/charts/options.ts): the report file needs no script and no network to show them.
 */
import { createRequire } from 'node:module';
import type * as ECharts from 'echarts';
import * as charts from '../charts/options.js';

type Option = Parameters<ECharts.ECharts['setOption']>[0];

/**
 * ECharts is loaded when the first chart is drawn, and as its one-file CommonJS build: importing
 * the ES modules costs a command about 0.6 s, requiring the bundle 0.12 s.
 */
let loaded: typeof ECharts | undefined;
const echarts = (): typeof ECharts => (loaded ??= createRequire(import.meta.url)('echarts') as typeof ECharts);

export function svg({ option, width, height }: charts.ChartSpec): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption(option as Option);
  const out = chart.renderToSVGString();
  chart.dispose();
  return out;
}

/** Each shared chart, drawn as SVG. */
const drawn = <A extends unknown[]>(f: (...a: A) => charts.ChartSpec) => (...a: A): string => svg(f(...a));

export const trendChart = drawn(charts.trendChart);
export const npsSplitChart = drawn(charts.npsSplitChart);
export const mrrMovementsChart = drawn(charts.mrrMovementsChart);
export const rfmChart = drawn(charts.rfmChart);
export const cohortHeatmap = drawn(charts.cohortHeatmap);
export const survivalChart = drawn(charts.survivalChart);
export const emailFunnel = drawn(charts.emailFunnel);
export const trackingChart = drawn(charts.trackingChart);
export const conditionalChart = drawn(charts.conditionalChart);
export const newCustomerChart = drawn(charts.newCustomerChart);
export const aliveMatrixChart = drawn(charts.aliveMatrixChart);
