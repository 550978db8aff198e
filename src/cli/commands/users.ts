import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { pickWorkspace, workspaceSet } from '../../warehouse/accounts/location.js';
import { hashPassword } from '../../warehouse/accounts/passwords.js';
import { createInvite } from '../../warehouse/accounts/tokens.js';
import { findUser, membersOf, roleIn, ROLES, saveUser, setRole } from '../../warehouse/accounts/users.js';
import { UsageError } from '../../warehouse/errors.js';
import { openWorkspace } from '../../warehouse/open.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { dbOption, formatOption, printJson } from '../common.js';
import { printRows } from '../output.js';

interface Where {
  db?: string;
  workspaces?: string;
  workspace?: string;
  engine?: string;
  url?: string;
  database?: string;
  cluster?: string;
  format: 'table' | 'json';
}

/** The accounts store of the workspace the options name, and that workspace's name. */
async function withAccounts<T>(o: Where, fn: (accounts: Warehouse, workspace: string) => Promise<T>): Promise<T> {
  const set = await workspaceSet(o);
  const w = pickWorkspace(set, o.workspace);
  const accounts = await openWorkspace(set.accounts);
  try {
    return await fn(accounts, w.name);
  } finally {
    await accounts.close();
  }
}

const where = (cmd: Command) =>
  formatOption(
    dbOption(cmd)
      .option('--workspaces <dir>', 'the folder retain serve --workspaces serves, or on ClickHouse its database prefix (with --workspace)')
      .option('--workspace <name>', 'the workspace in that folder (NAME of NAME.duckdb)'),
    ['table', 'json'],
  ).exitOverride();

export function usersCommand(): Command {
  const cmd = new Command('users')
    .description('People who sign in to retain serve, and their role per workspace: add one, list them, remove one.')
    .addHelpText(
      'after',
      `
Roles: owner (everything, and other owners), admin (data, settings, keys, members),
analyst (reports and models, fits included), viewer (reads reports and lists).
Someone added without --password-stdin gets a one-time link (7 days) to set a password;
open it on the server's address. Passwords are stored as scrypt hashes.

Examples:
  $ retain users add ana@example.com --role admin --db shop.duckdb
  $ retain users add bo@example.com --role viewer --workspaces ./workspaces --workspace shop
  $ printf '%s' "$PASSWORD" | retain users add ci@example.com --role analyst --password-stdin
  $ retain users list --format json
  $ retain users remove bo@example.com`,
    );

  const add = new Command('add')
    .description('Give a person a role in the workspace (made if new); prints their one-time link unless --password-stdin.')
    .argument('<email>', 'their email address')
    .addOption(new Option('--role <role>', 'their role in the workspace').choices([...ROLES]).makeOptionMandatory())
    .option('--password-stdin', 'read their password from standard input instead of making a link')
    .addHelpText('after', '\nExamples:\n  $ retain users add ana@example.com --role owner\n  $ retain users add bo@example.com --role viewer --format json')
    .action(async (email: string, o: Where & { role: (typeof ROLES)[number]; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await hashPassword(readFileSync(0, 'utf8').replace(/\r?\n$/, '')) : undefined;
      const out = await withAccounts(o, async (accounts, workspace) => {
        const user = await saveUser(accounts, email, password);
        await setRole(accounts, user.id, workspace, o.role);
        const invite = user.password ? null : await createInvite(accounts, { email: user.email, workspace, role: o.role });
        return { email: user.email, workspace, role: o.role, invite_path: invite ? `/setup?token=${invite}` : null };
      });
      if (o.format === 'json') return printJson(out);
      process.stdout.write(`${out.email} is ${out.role} of ${out.workspace}.\n`);
      if (out.invite_path) process.stdout.write(`One-time link to set a password (7 days), on the server's address:\n  http://127.0.0.1:4000${out.invite_path}\n`);
    });
  cmd.addCommand(where(add));

  const list = new Command('list')
    .description('The workspace’s members: email, role, and whether they have set a password.')
    .addHelpText('after', '\nExamples:\n  $ retain users list\n  $ retain users list --format json')
    .action(async (o: Where) => {
      const users = await withAccounts(o, (accounts, workspace) => membersOf(accounts, workspace));
      if (o.format === 'json') return printJson(users);
      printRows(['email', 'role', 'active'], users.map((u) => ({ ...u })), 'table');
    });
  cmd.addCommand(where(list), { isDefault: true });

  const remove = new Command('remove')
    .description('Take a person’s role in the workspace away.')
    .argument('<email>', 'their email address')
    .addHelpText('after', '\nExamples:\n  $ retain users remove bo@example.com')
    .action(async (email: string, o: Where) => {
      const out = await withAccounts(o, async (accounts, workspace) => {
        const user = await findUser(accounts, email);
        if (!user || !(await roleIn(accounts, user.id, workspace))) throw new UsageError('unknown-user', `${email} is not a member of ${workspace}.`, 'retain users list shows them.');
        await setRole(accounts, user.id, workspace, 'none');
        return { email: user.email, workspace, removed: true };
      });
      if (o.format === 'json') return printJson(out);
      process.stdout.write(`${out.email} no longer has a role in ${out.workspace}.\n`);
    });
  cmd.addCommand(where(remove));
  return cmd;
}
