import { Command, Option } from 'commander';
import { buildReport } from '../../metrics/report.js';
import { GRAINS } from '../../metrics/scope.js';
import { TEAMS } from '../../metrics/types.js';
import { collect, dbOption, penalizerOption, withWorkspace } from '../common.js';
import { progressBar } from '../progress.js';
import { renderReportHtml } from '../render-html.js';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from '../render-report.js';
import { emit, terminalWidth } from '../output.js';

export function reportCommand(): Command {
  const cmd = new Command('report')
    .description('Compute the metrics over a period: value, interval, n, benchmark band, trend, and optionally a comparison.')
    .option('--from <date>', 'first day of the period, YYYY-MM-DD (default: 12 full months ago, or before the data ends when it ends earlier)')
    .option('--to <date>', 'the day after the period (default: the first of this month, or after the data\'s last full month)')
    .addOption(new Option('--grain <grain>', 'series buckets').choices([...GRAINS]).default('month'))
    .option('--metric <id>', 'only this metric (repeatable; see retain metrics)', collect, [])
    .addOption(new Option('--team <team>', 'only metrics this team owns (repeatable)').choices([...TEAMS]).argParser(collect).default([]))
    .option('--where <field=value>', 'only customers with this field or attributes key (repeatable)', collect, [])
    .option('--by <field>', 'break down by a customer field or attributes key')
    .addOption(new Option('--compare <period>', 'compare with the previous period or the same period a year earlier').choices(['previous', 'year']))
    .option('--timezone <tz>', 'time zone for period and buckets (default: the workspace setting)')
    .option('--activity-window <days>', 'transactional activity window, e.g. 90d (default: the workspace setting)')
    .addOption(penalizerOption())
    .option('--benchmarks <file>', 'JSON benchmark bands per industry and for this workspace (default: $RETAIN_BENCHMARKS)')
    .option('--variants', 'also give other tools’ definitions of churn, bounce rate, NRR, CSAT, repeat purchase and email opens, each with its reason')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'md', 'html']).default('table'))
    .option('--out <file>', 'write the report to this file')
    .addHelpText(
      'after',
      `
Examples:
  $ retain report
  $ retain report --from 2025-01-01 --to 2026-01-01 --grain quarter --compare year
  $ retain report --team support --where country=DE --by channel
  $ retain report --metric nps --metric csat --format json > cx.json
  $ retain report --metric churn_rate --variants                     # churn as other tools define it, beside Retain's
  $ retain report --compare year --format html --out report.html    # one file, charts included, opens offline`,
    )
    .action(async (o: ReportFlags) => {
      // The same request model as the API's /v1/report (zod: loaded when the command runs).
      const { parseReportRequest } = await import('../../metrics/request.js');
      const request = parseReportRequest({ from: o.from, to: o.to, grain: o.grain, metric: o.metric, team: o.team, where: o.where, by: o.by, compare: o.compare, timezone: o.timezone, activity_window: o.activityWindow, variants: o.variants, penalizer: o.penalizer });
      const bar = progressBar();
      const report = await withWorkspace(
        o,
        (wh) => buildReport(wh, { ...request, benchmarks: o.benchmarks }, (done, total) => bar.update('computing metrics', (100 * done) / total)),
        true,
      ).finally(() => bar.done());
      const text =
        o.format === 'json'
          ? JSON.stringify(report) + '\n'
          : o.format === 'csv'
            ? renderReportCsv(report)
            : o.format === 'md'
              ? renderReportMarkdown(report)
              : o.format === 'html'
                ? renderReportHtml(report)
                : renderReportTable(report, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, width: terminalWidth() }) + '\n';
      await emit(text, o.out, 'report');
    });
  return dbOption(cmd);
}

interface ReportFlags {
  db?: string;
  from?: string;
  to?: string;
  grain: string;
  metric: string[];
  team: string[];
  where: string[];
  by?: string;
  compare?: string;
  timezone?: string;
  activityWindow?: string;
  penalizer?: number;
  benchmarks?: string;
  variants?: boolean;
  format: 'table' | 'json' | 'csv' | 'md' | 'html';
  out?: string;
}
