import { Command } from 'commander';
import { assertKnownSetting, getSettings, setSetting, SETTING_KEYS, SETTINGS, validateSetting } from '../../warehouse/schema/settings.js';
import { dbOption, formatOption, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function configCommand(): Command {
  const cmd = new Command('config').description('Show or change workspace settings (currency, timezone, model, …).');
  cmd.addHelpText('after', `\nSettings: ${SETTING_KEYS.join(', ')}\n\nExamples:\n  $ retain config get\n  $ retain config set currency EUR\n  $ retain config set activity_window 90d`);
  const get = new Command('get')
    .description('Show all settings, or one.')
    .argument('[key]', 'a setting')
    .action(async (key: string | undefined, o: { db?: string; format: 'table' | 'json' }) => {
      if (key) assertKnownSetting(key);
      const s = await withWorkspace(o, (wh) => getSettings(wh));
      if (key) {
        const v = s[key as keyof typeof s];
        if (o.format === 'json') printJson({ [key]: v });
        else process.stdout.write(`${v}\n`);
        return;
      }
      if (o.format === 'json') return printJson(s);
      printRows(['key', 'value', 'description'], SETTING_KEYS.map((k) => ({ key: k, value: s[k], description: SETTINGS[k].description })), 'table');
    });
  cmd.addCommand(formatOption(dbOption(get), ['table', 'json']).exitOverride());
  const set = new Command('set')
    .description('Change a setting.')
    .argument('<key>', 'a setting')
    .argument('<value>', 'its new value')
    .action(async (key: string, value: string, o: { db?: string }) => {
      await withWorkspace(o, (wh) => setSetting(wh, key, value));
      process.stdout.write(`${key} = ${validateSetting(key, value)}\n`);
    });
  cmd.addCommand(dbOption(set).exitOverride());
  return cmd;
}
