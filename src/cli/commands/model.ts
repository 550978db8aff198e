import { Command, Option } from 'commander';
import { evaluateWorkspace, type Evaluation } from '../../models/evaluate-workspace.js';
import { fitSummary, fitTransactional, type FitSummary } from '../../models/fit-workspace.js';
import { aliveMatrixChart, conditionalChart, newCustomerChart, trackingChart } from '../charts.js';
import { npsGrowth } from '../../metrics/nps-growth.js';
import { rfmSegments } from '../../models/segments.js';
import { dbOption, formatOption, isoDate, penalizerOption, positiveInt, printJson, withWorkspace } from '../common.js';
import { emit, printRows } from '../output.js';
import { esc } from '../../warehouse/html-text.js';

export function modelCommand(): Command {
  const cmd = new Command('model')
    .description('Customer models: RFM segments, BG/NBD, Pareto/NBD and Gamma-Gamma fits, and their validation.')
    .addHelpText(
      'after',
      `
Examples:
  $ retain model fit --format json
  $ retain model evaluate --calibration-end 2026-04-30 --holdout-end 2026-10-31 --format html --out evaluation.html
  $ retain model rfm
  $ retain model nps-growth`,
    );
  cmd.addCommand(fitCommand());
  cmd.addCommand(evaluateCommand());
  cmd.addCommand(rfmCommand());
  cmd.addCommand(npsGrowthCommand());
  return cmd;
}

function rfmCommand(): Command {
  const cmd = new Command('rfm')
    .description('RFM segments: recency, frequency and monetary quintiles → champions, loyal, at risk, … with sizes and revenue share.')
    .option('--as-of <date>', 'score purchases up to this day, inclusive (default: the last order day)', isoDate('--as-of'))
    .addHelpText('after', '\nExamples:\n  $ retain model rfm\n  $ retain model rfm --as-of 2026-06-30 --format json')
    .action(async (o: { db?: string; asOf?: string; format: 'table' | 'json' | 'csv' }) => {
      const { parseRfmRequest } = await import('../../metrics/model-requests.js');
      const request = parseRfmRequest({ as_of: o.asOf });
      const result = await withWorkspace(o, (wh) => rfmSegments(wh, request), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') process.stdout.write(`RFM segments of ${result.customers.toLocaleString('en-US')} buying customers as of ${result.asOf}\n`);
      const fixed = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));
      printRows(
        ['segment', 'customers', 'share_pct', 'revenue_share_pct', 'recency_days', 'frequency', 'monetary', 'action'],
        result.segments.map((s) => ({
          segment: s.name,
          customers: s.customers,
          share_pct: fixed(s.share, 1),
          revenue_share_pct: fixed(s.revenueShare, 1),
          recency_days: fixed(s.recencyDays, 0),
          frequency: fixed(s.frequency, 1),
          monetary: fixed(s.monetary, 2),
          action: s.action,
        })),
        o.format,
      );
    });
  return formatOption(dbOption(cmd), ['table', 'json', 'csv']);
}

function npsGrowthCommand(): Command {
  const cmd = new Command('nps-growth')
    .description('Relate monthly NPS to later churn, net revenue churn and revenue growth: Pearson r per lag, with n and significance.')
    .option('--months <n>', 'months of history (the last full months)', positiveInt('--months'), 24)
    .option('--max-lag <n>', 'largest lag in months', (v: string) => (v === '0' ? 0 : positiveInt('--max-lag')(v)), 6)
    .addHelpText(
      'after',
      `
A negative r between NPS and later churn means months with a higher NPS were followed by less churn.
With a couple of dozen months only strong relations are significant; a correlation is not a cause.

Examples:
  $ retain model nps-growth
  $ retain model nps-growth --months 36 --max-lag 3 --format json`,
    )
    .action(async (o: { db?: string; months: number; maxLag: number; format: 'table' | 'json' | 'csv' }) => {
      const { parseNpsGrowthRequest } = await import('../../metrics/model-requests.js');
      const request = parseNpsGrowthRequest({ months: o.months, max_lag: o.maxLag });
      const result = await withWorkspace(o, (wh) => npsGrowth(wh, request), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') {
        const known = result.nps.filter((p) => p.value !== null).length;
        if (result.period_reason) process.stdout.write(`${result.period_reason}\n`);
        process.stdout.write(`Monthly NPS ${result.from} – ${result.to}: ${known} of ${result.nps.length} months with answers.\n`);
        for (const u of result.unavailable) process.stdout.write(`${u.outcome}: unavailable. ${u.note ?? ''}\n`);
      }
      const fixed = (v: number | null, k: number) => (v === null ? null : Number(v.toFixed(k)));
      printRows(
        ['outcome', 'lag_months', 'n', 'r', 'p', 'significant'],
        result.correlations.map((c) => ({ outcome: c.outcome, lag_months: c.lag, n: c.n, r: fixed(c.r, 3), p: fixed(c.p, 4), significant: c.significant === null ? null : c.significant ? 'yes' : 'no' })),
        o.format,
      );
    });
  return formatOption(dbOption(cmd), ['table', 'json', 'csv']);
}

const timeUnitOption = () => new Option('--time-unit <unit>', 'unit of recency and T: sets the scale of the fitted parameters').choices(['day', 'week']);

function fitCommand(): Command {
  const cmd = new Command('fit')
    .description('Fit BG/NBD, Pareto/NBD and Gamma-Gamma by maximum likelihood on the completed orders up to the calibration end.')
    .option('--calibration-end <date>', 'last day of the calibration period, inclusive (default: the last order day)', isoDate('--calibration-end'))
    .addOption(timeUnitOption().default('day'))
    .addOption(penalizerOption())
    .option('--no-pareto', 'skip Pareto/NBD (the slowest fit)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'html']).default('table'))
    .option('--out <file>', 'write the output to this file')
    .addHelpText(
      'after',
      `
Customers are summarised in the engine (same-day purchases are one transaction; frequency = repeat
purchase days, recency and T in the time unit) and grouped, so a million customers fit in seconds.
Besides the parameters it reports what they predict: a new customer's expected repeat purchases
over 1, 3, 6 and 12 months, and P(alive) by repeat purchases and the time of the last one (the
html format draws it as a heatmap).

Examples:
  $ retain model fit
  $ retain model fit --calibration-end 2026-06-30 --time-unit week --format json
  $ retain model fit --no-pareto --format html --out fit.html`,
    )
    .action(async (o: { db?: string; calibrationEnd?: string; timeUnit: 'day' | 'week'; penalizer?: number; pareto: boolean; format: 'table' | 'json' | 'html'; out?: string }) => {
      // The same request model as the API's POST /v1/models/fit (zod: loaded when the command runs).
      const { parseFitRequest } = await import('../../metrics/model-requests.js');
      const request = parseFitRequest({ calibration_end: o.calibrationEnd, time_unit: o.timeUnit, penalizer: o.penalizer, pareto: o.pareto });
      const f = fitSummary(await withWorkspace(o, (wh) => fitTransactional(wh, request), true));
      const text = o.format === 'json' ? JSON.stringify(f) + '\n' : o.format === 'html' ? fitHtml(f) : fitText(f);
      await emit(text, o.out, 'fit');
    });
  return dbOption(cmd);
}

const g5 = (v: number) => Number(v.toPrecision(5));
const modelRows = (f: FitSummary) => [
  { model: 'BG/NBD', parameters: `r ${g5(f.bgnbd.r)}  α ${g5(f.bgnbd.alpha)}  a ${g5(f.bgnbd.a)}  b ${g5(f.bgnbd.b)}`, loglik: g5(f.bgnbd.loglik) },
  ...(f.paretonbd ? [{ model: 'Pareto/NBD', parameters: `r ${g5(f.paretonbd.r)}  α ${g5(f.paretonbd.alpha)}  s ${g5(f.paretonbd.s)}  β ${g5(f.paretonbd.beta)}`, loglik: g5(f.paretonbd.loglik) }] : []),
  ...(f.gammagamma ? [{ model: 'Gamma-Gamma', parameters: `p ${g5(f.gammagamma.p)}  q ${g5(f.gammagamma.q)}  γ ${g5(f.gammagamma.gamma)}`, loglik: g5(f.gammagamma.loglik) }] : []),
];
const newCustomerLine = (f: FitSummary) =>
  `A new customer's expected repeat purchases (BG/NBD${f.paretonbd ? ' / Pareto/NBD' : ''}): ` +
  f.predictions.newCustomer.map((e) => `${e.months} month${e.months === 1 ? '' : 's'} ${e.bgnbd.toFixed(3)}${e.paretonbd === null ? '' : ` / ${e.paretonbd.toFixed(3)}`}`).join(', ') +
  '.';

/** Evenly spaced picks of at most k items, the first and the last always among them. */
const spread = <T,>(items: readonly T[], k: number) => (items.length <= k ? [...items.keys()] : Array.from({ length: k }, (_, i) => Math.round((i * (items.length - 1)) / (k - 1))));

function fitText(f: FitSummary): string {
  const lines = [`${f.customers.toLocaleString('en-US')} customers, calibration end ${f.calibrationEnd}, time unit ${f.timeUnit}; fitted in ${f.seconds.toFixed(2)} s.`];
  const width = Math.max(...modelRows(f).map((r) => r.parameters.length));
  for (const r of modelRows(f)) lines.push(`${r.model.padEnd(12)} ${r.parameters.padEnd(width)}  loglik ${r.loglik}`);
  if (f.gammagamma?.warning) lines.push(`warning: ${f.gammagamma.warning}`);
  lines.push('', newCustomerLine(f), '');
  const m = f.predictions.pAlive;
  const cols = spread(m.recencies, 7);
  lines.push(`P(alive) in % after T = ${g5(m.T)} ${f.timeUnit}s, by repeat purchases (rows) and time of the last one (columns, ${f.timeUnit}s):`);
  lines.push(['freq'.padStart(5), ...cols.map((c) => m.recencies[c]!.toFixed(0).padStart(7))].join(''));
  for (const i of spread(m.frequencies, 12)) lines.push([String(m.frequencies[i]).padStart(5), ...cols.map((c) => (m.values[i]![c]! * 100).toFixed(0).padStart(7))].join(''));
  return lines.join('\n') + '\n';
}

/** A self-contained page (charts inline as SVG, no script, no network) that reads on a phone. */
const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{margin:0 auto;max-width:900px;padding:16px;font:15px/1.45 system-ui,sans-serif;color:#0f172a}figure{margin:8px 0}figure svg{width:100%;height:auto}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e2e8f0;padding:2px 10px}</style>
</head><body>
${body}
</body></html>
`;

function fitHtml(f: FitSummary): string {
  const rows = modelRows(f).map((r) => `<tr><td>${r.model}</td><td>${esc(r.parameters)}</td><td>${r.loglik}</td></tr>`).join('');
  return page(
    `Retain model fit ${f.calibrationEnd}`,
    `<h1>Model fit</h1>
<p>${f.customers} customers, calibration end ${esc(f.calibrationEnd)}, time unit ${f.timeUnit}; fitted in ${f.seconds.toFixed(2)} s.</p>
<table><thead><tr><th>model</th><th>parameters</th><th>log-likelihood</th></tr></thead><tbody>${rows}</tbody></table>
${f.gammagamma?.warning ? `<p><strong>Warning:</strong> ${esc(f.gammagamma.warning)}</p>` : ''}
<h2>A new customer</h2><p>${esc(newCustomerLine(f))}</p><figure>${newCustomerChart(f.predictions.newCustomer)}</figure>
<h2>Probability alive</h2><p>By repeat purchases and the time of the last one, for customers observed for ${g5(f.predictions.pAlive.T)} ${f.timeUnit}s (BG/NBD).</p>
<figure>${aliveMatrixChart(f.predictions.pAlive, f.timeUnit)}</figure>`,
  );
}

function evaluateCommand(): Command {
  const cmd = new Command('evaluate')
    .description('Validate the purchase models: fit on the calibration period, predict the holdout, compare per calibration frequency, in total and over time.')
    .requiredOption('--calibration-end <date>', 'last day of the calibration period, inclusive', isoDate('--calibration-end'))
    .requiredOption('--holdout-end <date>', 'last day of the holdout period, inclusive', isoDate('--holdout-end'))
    .addOption(timeUnitOption().default('week'))
    .addOption(penalizerOption())
    .option('--no-pareto', 'evaluate BG/NBD only')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'html']).default('table'))
    .option('--out <file>', 'write the output to this file')
    .addHelpText(
      'after',
      `
Examples:
  $ retain model evaluate --calibration-end 2026-04-30 --holdout-end 2026-10-31
  $ retain model evaluate --calibration-end 2026-04-30 --holdout-end 2026-10-31 --format html --out evaluation.html`,
    )
    .action(async (o: { db?: string; calibrationEnd: string; holdoutEnd: string; timeUnit: 'day' | 'week'; penalizer?: number; pareto: boolean; format: 'table' | 'json' | 'html'; out?: string }) => {
      const { parseEvaluateRequest } = await import('../../metrics/model-requests.js');
      const request = parseEvaluateRequest({ calibration_end: o.calibrationEnd, holdout_end: o.holdoutEnd, time_unit: o.timeUnit, penalizer: o.penalizer, pareto: o.pareto });
      const e = await withWorkspace(o, (wh) => evaluateWorkspace(wh, request), true);
      const text = o.format === 'json' ? JSON.stringify(e) + '\n' : o.format === 'html' ? evaluationHtml(e) : evaluationText(e);
      await emit(text, o.out, 'evaluation');
    });
  return dbOption(cmd);
}

const f2 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));

function evaluationText(e: Evaluation): string {
  const lines = [`Calibration to ${e.calibrationEnd}, holdout to ${e.holdoutEnd} (${f2(e.horizon)} ${e.timeUnit}s); ${e.fit.customers.toLocaleString('en-US')} customers.`];
  for (const m of e.models) {
    const er = m.errors;
    lines.push('', `${m.model === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD'}: holdout repeat purchases predicted ${er.predicted.toFixed(0)}, observed ${er.actual} (${er.errorPct === null ? 'n/a' : `${er.errorPct >= 0 ? '+' : ''}${er.errorPct.toFixed(1)} %`}); RMSE per customer ${er.rmse.toFixed(3)}; group MAE ${er.groupMae.toFixed(3)}.`);
    lines.push('frequency  customers  observed  predicted');
    for (const g of m.groups) lines.push(`${g.frequency.padStart(9)}  ${String(g.customers).padStart(9)}  ${g.actual.toFixed(3).padStart(8)}  ${g.predicted.toFixed(3).padStart(9)}`);
  }
  return lines.join('\n') + '\n';
}

function evaluationHtml(e: Evaluation): string {
  const sections = e.models
    .map((m) => {
      const name = m.model === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD';
      const rows = m.groups.map((g) => `<tr><td>${esc(g.frequency)}</td><td>${g.customers}</td><td>${g.actual.toFixed(3)}</td><td>${g.predicted.toFixed(3)}</td></tr>`).join('');
      return `<section><h2>${name}</h2>
<p>Holdout repeat purchases: predicted ${m.errors.predicted.toFixed(0)}, observed ${m.errors.actual} (${m.errors.errorPct === null ? 'n/a' : m.errors.errorPct.toFixed(1) + ' %'}); RMSE per customer ${m.errors.rmse.toFixed(3)}.</p>
<h3>Tracking: cumulative repeat purchases by week</h3><figure>${trackingChart(m.tracking, e.calibrationEnd)}</figure>
<h3>Conditional expectations: holdout purchases per customer by calibration frequency</h3><figure>${conditionalChart(m.groups)}</figure>
<table><thead><tr><th>frequency</th><th>customers</th><th>observed</th><th>predicted</th></tr></thead><tbody>${rows}</tbody></table></section>`;
    })
    .join('\n');
  return page(
    `Retain model evaluation ${e.calibrationEnd} / ${e.holdoutEnd}`,
    `<h1>Model evaluation</h1>
<p>Calibration to ${esc(e.calibrationEnd)}, holdout to ${esc(e.holdoutEnd)}; ${e.fit.customers} customers; time unit ${e.timeUnit}.</p>
${sections}`,
  );
}
