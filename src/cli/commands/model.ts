import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { evaluateWorkspace, type Evaluation } from '../../models/evaluate-workspace.js';
import { fitTransactional } from '../../models/fit-workspace.js';
import { conditionalChart, trackingChart } from '../charts.js';
import { npsGrowth } from '../../metrics/nps-growth.js';
import { rfmSegments } from '../../models/segments.js';
import { dbOption, formatOption, isoDate, positiveInt, printJson, withWorkspace } from '../common.js';
import { UsageError } from '../../warehouse/errors.js';
import { printRows } from '../output.js';

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
      const result = await withWorkspace(o, (wh) => rfmSegments(wh, { asOf: o.asOf }), true);
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
      const result = await withWorkspace(o, (wh) => npsGrowth(wh, { months: o.months, maxLag: o.maxLag }), true);
      if (o.format === 'json') return printJson(result);
      if (o.format === 'table') {
        const known = result.nps.filter((p) => p.value !== null).length;
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
const penalizerOption = () =>
  new Option('--penalizer <x>', 'L2 penalty on the parameters, as in lifetimes (default 0)').argParser((v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError('bad-option', `--penalizer must be a number ≥ 0; got "${v}".`);
    return n;
  });

function fitCommand(): Command {
  const cmd = new Command('fit')
    .description('Fit BG/NBD, Pareto/NBD and Gamma-Gamma by maximum likelihood on the completed orders up to the calibration end.')
    .option('--calibration-end <date>', 'last day of the calibration period, inclusive (default: the last order day)', isoDate('--calibration-end'))
    .addOption(timeUnitOption().default('day'))
    .addOption(penalizerOption())
    .option('--no-pareto', 'skip Pareto/NBD (the slowest fit)')
    .addHelpText(
      'after',
      `
Customers are summarised in the engine (same-day purchases are one transaction; frequency = repeat
purchase days, recency and T in the time unit) and grouped, so a million customers fit in seconds.

Examples:
  $ retain model fit
  $ retain model fit --calibration-end 2026-06-30 --time-unit week --format json`,
    )
    .action(async (o: { db?: string; calibrationEnd?: string; timeUnit: 'day' | 'week'; penalizer?: number; pareto: boolean; format: 'table' | 'json' }) => {
      const f = await withWorkspace(o, (wh) => fitTransactional(wh, { calibrationEnd: o.calibrationEnd, timeUnit: o.timeUnit, penalizer: o.penalizer, pareto: o.pareto }), true);
      const out = { customers: f.customers, calibrationEnd: f.calibrationEnd, timeUnit: f.timeUnit, bgnbd: f.bgnbd, paretonbd: f.paretonbd, gammagamma: f.gammagamma, iterations: f.iterations, seconds: Number(f.seconds.toFixed(3)) };
      if (o.format === 'json') return printJson(out);
      process.stdout.write(`${f.customers.toLocaleString('en-US')} customers, calibration end ${f.calibrationEnd}, time unit ${f.timeUnit}; fitted in ${f.seconds.toFixed(2)} s.\n`);
      const g = (v: number) => Number(v.toPrecision(5));
      printRows(
        ['model', 'parameters', 'loglik'],
        [
          { model: 'BG/NBD', parameters: `r ${g(f.bgnbd.r)}  α ${g(f.bgnbd.alpha)}  a ${g(f.bgnbd.a)}  b ${g(f.bgnbd.b)}`, loglik: g(f.bgnbd.loglik) },
          ...(f.paretonbd ? [{ model: 'Pareto/NBD', parameters: `r ${g(f.paretonbd.r)}  α ${g(f.paretonbd.alpha)}  s ${g(f.paretonbd.s)}  β ${g(f.paretonbd.beta)}`, loglik: g(f.paretonbd.loglik) }] : []),
          ...(f.gammagamma ? [{ model: 'Gamma-Gamma', parameters: `p ${g(f.gammagamma.p)}  q ${g(f.gammagamma.q)}  γ ${g(f.gammagamma.gamma)}`, loglik: g(f.gammagamma.loglik) }] : []),
        ],
        'table',
      );
      if (f.gammagamma?.warning) process.stdout.write(`warning: ${f.gammagamma.warning}\n`);
    });
  return formatOption(dbOption(cmd), ['table', 'json']);
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
      const e = await withWorkspace(o, (wh) => evaluateWorkspace(wh, { calibrationEnd: o.calibrationEnd, holdoutEnd: o.holdoutEnd, timeUnit: o.timeUnit, penalizer: o.penalizer, pareto: o.pareto }), true);
      const text = o.format === 'json' ? JSON.stringify(e) + '\n' : o.format === 'html' ? evaluationHtml(e) : evaluationText(e);
      if (o.out) {
        await writeFile(o.out, text);
        process.stderr.write(`evaluation written to ${o.out}\n`);
      } else process.stdout.write(text);
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
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Retain model evaluation ${esc(e.calibrationEnd)} / ${esc(e.holdoutEnd)}</title>
<style>body{margin:0 auto;max-width:900px;padding:16px;font:15px/1.45 system-ui,sans-serif;color:#0f172a}figure{margin:8px 0}figure svg{width:100%;height:auto}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e2e8f0;padding:2px 10px;text-align:right}</style>
</head><body><h1>Model evaluation</h1>
<p>Calibration to ${esc(e.calibrationEnd)}, holdout to ${esc(e.holdoutEnd)}; ${e.fit.customers} customers; time unit ${e.timeUnit}.</p>
${sections}
</body></html>
`;
}
