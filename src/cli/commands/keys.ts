import { Command, Option } from 'commander';
import { createApiKey, KEY_KINDS, listApiKeys, revokeApiKey } from '../../warehouse/api-keys.js';
import { UsageError } from '../../warehouse/errors.js';
import { dbOption, formatOption, printJson, withWorkspace } from '../common.js';
import { printRows } from '../output.js';

export function keysCommand(): Command {
  const cmd = new Command('keys')
    .description('API keys for retain serve: create one (shown once), list them, revoke one.')
    .addHelpText(
      'after',
      `
A key's kind is in its prefix: rk_read_ (metrics, reports, customers), rk_admin_ (everything),
rk_ingest_ (sending rows only). The workspace keeps its SHA-256 hash, never the key: copy it
when it is printed. A revoked key is refused from the next request on.

Examples:
  $ retain keys create --kind read
  $ retain keys create --kind admin --format json
  $ retain keys list
  $ retain keys revoke key_3f9a1c0b2d4e`,
    );

  const create = new Command('create')
    .description('Make a key of this kind and print it, once.')
    .addOption(new Option('--kind <kind>', 'what the key may do').choices([...KEY_KINDS]))
    .addOption(new Option('--role <kind>', 'the same as --kind').choices([...KEY_KINDS]))
    .addHelpText('after', '\nExamples:\n  $ retain keys create --kind ingest\n  $ KEY=$(retain keys create --kind read --format json | jq -r .key)')
    .action(async (o: { db?: string; kind?: string; role?: string; format: 'table' | 'json' }) => {
      const kind = o.kind ?? o.role;
      if (!kind || (o.kind && o.role && o.kind !== o.role)) throw new UsageError('bad-option', 'Say what the key may do: --kind read, admin or ingest.', 'retain keys create --kind read');
      const k = await withWorkspace(o, (wh) => createApiKey(wh, kind));
      if (o.format === 'json') return printJson(k);
      process.stdout.write(`${k.key}\n`);
      process.stderr.write(`key ${k.id} (${kind}): shown this once; send it as "Authorization: Bearer <key>".\n`);
    });
  cmd.addCommand(formatOption(dbOption(create), ['table', 'json']).exitOverride());

  const list = new Command('list')
    .description('List the keys: id, kind, prefix, when made and when revoked (no secrets).')
    .addHelpText('after', '\nExamples:\n  $ retain keys list\n  $ retain keys list --format json')
    .action(async (o: { db?: string; format: 'table' | 'json' }) => {
      const keys = await withWorkspace(o, listApiKeys);
      if (o.format === 'json') return printJson(keys);
      printRows(['id', 'kind', 'prefix', 'created_at', 'revoked_at'], keys.map((k) => ({ ...k })), 'table');
    });
  cmd.addCommand(formatOption(dbOption(list), ['table', 'json']).exitOverride(), { isDefault: true });

  const revoke = new Command('revoke')
    .description('Revoke a key: it is refused from the next request on.')
    .argument('<id>', 'the key id (see retain keys list)')
    .addHelpText('after', '\nExamples:\n  $ retain keys revoke key_3f9a1c0b2d4e')
    .action(async (id: string, o: { db?: string; format: 'table' | 'json' }) => {
      const k = await withWorkspace(o, (wh) => revokeApiKey(wh, id));
      if (o.format === 'json') return printJson(k);
      process.stdout.write(`Key ${k.id} (${k.kind}, ${k.prefix}…) revoked at ${k.revoked_at}.\n`);
    });
  cmd.addCommand(formatOption(dbOption(revoke), ['table', 'json']).exitOverride());
  return cmd;
}
