/**
 * `npm run bench` (fourth part): the customer models on the demo workspaces bench/demo.ts built
 * (BENCH_DEMO_CUSTOMERS, default 100000): the BG/NBD + Gamma-Gamma fit as `retain model fit --no-pareto`
 * runs it (summary query and fit: the issue's target is under 10 s at a million customers), with
 * Pareto/NBD, and the at-risk customer list — each against a baseline measured in the same run: the
 * engine's own query of the per-customer summary the fit reads. Peak RSS of the process.
 * Results to bench/results/models-<date>.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { customerList } from '../src/metrics/customers.js';
import { fitTransactional } from '../src/models/fit-workspace.js';
import { binder, customerValueSql, lastOrderDate } from '../src/models/queries.js';
import { openWorkspace } from '../src/warehouse/open.js';

const here = import.meta.dirname;
const sizes = (process.env.BENCH_DEMO_CUSTOMERS ?? '100000').split(',').map(Number);
const results = [];
const time = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000] as const;
};
for (const n of sizes) {
  const db = join(here, '.data', `demo-${n}.duckdb`);
  if (!existsSync(db)) throw new Error(`${db} is missing: bench/demo.ts builds it first`);
  const wh = await openWorkspace({ db, readOnly: true });
  const asOf = (await lastOrderDate(wh, 'UTC'))!;
  const q = binder();
  const [rows, scan] = await time(() => wh.queryNumbers(customerValueSql(wh.dialect, q, { calibrationEnd: asOf, timezone: 'UTC', timeUnit: 'day' }), q.params));
  const [fit, fitSeconds] = await time(() => fitTransactional(wh, { calibrationEnd: asOf, pareto: false }));
  const [, paretoSeconds] = n <= 100_000 ? await time(() => fitTransactional(wh, { calibrationEnd: asOf, timeUnit: 'week' })) : [null, null];
  const [list, listSeconds] = await time(() => customerList(wh, { asOf, segment: 'at-risk', limit: 100 }));
  await wh.close();
  const r = {
    customers: n,
    summaryRows: rows.length,
    summaryQuerySeconds: Number(scan.toFixed(2)),
    fitSeconds: Number(fitSeconds.toFixed(2)),
    fitRatio: Number((fitSeconds / scan).toFixed(1)),
    paretoFitSecondsWeeks: paretoSeconds === null ? null : Number(paretoSeconds.toFixed(2)),
    customerListSeconds: Number(listSeconds.toFixed(2)),
    customerListRatio: Number((listSeconds / scan).toFixed(1)),
    model: list.model,
    bgnbd: fit.bgnbd,
    gammagamma: fit.gammagamma && { p: fit.gammagamma.p, q: fit.gammagamma.q, gamma: fit.gammagamma.gamma },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  results.push(r);
  process.stdout.write(
    `models on demo ${n.toLocaleString('en-US')} customers: summary query ${r.summaryQuerySeconds} s (${r.summaryRows} rows); summarised and fitted (BG/NBD + Gamma-Gamma) in ${r.fitSeconds} s (${r.fitRatio}× the summary query alone)` +
      `${r.paretoFitSecondsWeeks === null ? '' : `; with Pareto/NBD (weeks) ${r.paretoFitSecondsWeeks} s`}; at-risk list ${r.customerListSeconds} s (${r.customerListRatio}×); peak RSS ${r.peakRssMB} MB\n`,
  );
}
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', `models-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: `${process.arch}, node ${process.version}`, results }, null, 2) + '\n');
process.stdout.write(`written ${out}\n`);
