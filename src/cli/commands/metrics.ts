import { Command } from 'commander';
import { metricCatalogue } from '../../metrics/catalogue.js';
import { formatOption, printJson } from '../common.js';
import { printRows } from '../output.js';

export function metricsCommand(): Command {
  const cmd = new Command('metrics')
    .description('List the metric catalogue: what each metric means, its unit, owners and benchmark source.')
    .addHelpText('after', '\nExamples:\n  $ retain metrics\n  $ retain metrics --format json | jq \'.[] | select(.teams | index("support"))\'')
    .action((o: { format: 'table' | 'json' }) => {
      const list = metricCatalogue();
      if (o.format === 'json') return printJson(list);
      printRows(
        ['id', 'name', 'unit', 'teams', 'tables'],
        list.map((m) => ({ ...m, teams: m.teams.join(' '), tables: m.tables.join(' ') })),
        'table',
      );
    });
  return formatOption(cmd, ['table', 'json']);
}
