/**
 * Workspace settings (DATA_MODEL.md): stored in the workspace, shown and changed with
 * `retain config`, echoed in every report header. Declared once here with their validation.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { bumpVersions } from '../data-versions.js';
import { UsageError } from '../errors.js';
import { closest, didYouMean } from '../suggest.js';
import type { Warehouse } from '../warehouse.js';
import { TABLES } from './tables.js';
import { assertKnownIndustry, INDUSTRIES } from './industries.js';
import { isTimeZone } from './time-zone.js';

// zod is loaded when a setting is validated (retain config set), not by every command that reads
// the settings: it costs a command about 0.07 s to load on a quiet machine, 0.3 s on a busy one.
type Z = typeof Zod.z;
let zod: Z | undefined;
const loadZod = (): Z => (zod ??= (createRequire(import.meta.url)('zod') as typeof Zod).z);

const duration = (z: Z) => z.string().regex(/^\d+d$/, 'a number of days such as 365d');

export const SETTINGS = {
  currency: {
    schema: (z: Z) => z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code such as USD')
      .transform((s) => s.toUpperCase()),
    default: 'USD',
    description: 'Reporting currency (set before importing money).',
  },
  timezone: {
    schema: (z: Z) => z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin'),
    default: 'UTC',
    description: 'Time zone for period and bucket boundaries.',
  },
  model: { schema: (z: Z) => z.enum(['auto', 'subscription', 'transactional']), default: 'auto', description: 'Active-customer model.' },
  activity_window: { schema: duration, default: '365d', description: 'Transactional activity window.' },
  gross_margin: {
    schema: (z: Z) => z.coerce.number().gt(0).lte(1).transform(String),
    default: '1.0',
    description: 'Gross margin (0–1] applied to CLV and profit.',
  },
  point_value: { schema: (z: Z) => z.coerce.number().nonnegative().transform(String), default: '', description: 'Money per loyalty point.' },
  industry: { schema: (z: Z) => z.string().min(1), default: '', description: `Industry, selects built-in benchmark bands: ${INDUSTRIES.join(', ')}.` },
  engagement_weights: {
    schema: (z: Z) => z.string().refine((s) => {
      try {
        const o = JSON.parse(s) as unknown;
        return typeof o === 'object' && o !== null && Object.values(o).every((w) => typeof w === 'number' && w >= 1 && w <= 10);
      } catch {
        return false;
      }
    }, 'a JSON object of event name → weight 1–10'),
    default: '{}',
    description: 'Engagement score weights per event name.',
  },
  allowed_origins: {
    schema: (z: Z) =>
      z.string().refine((s) => s === '' || s.split(',').every((o) => /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o.trim())), 'origins separated by commas, such as https://shop.example.com,http://localhost:3000'),
    default: '',
    description: 'Web origins whose pages may call this workspace’s API with a key (CORS); none unless set.',
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The settings a workspace has set, each key once: the latest value (ClickHouse appends). */
async function storedSettings(wh: Warehouse): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await wh.query(`SELECT key, value FROM _settings`)) out.set(String(r.key), String(r.value));
  return out;
}

export async function getSettings(wh: Warehouse): Promise<Record<SettingKey, string>> {
  return (await readSettings(wh)).values;
}

/** Every setting's value (its default where unset), and which ones were set: one read. */
export async function readSettings(wh: Warehouse): Promise<{ values: Record<SettingKey, string>; set: ReadonlySet<string> }> {
  const values = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as Record<SettingKey, string>;
  const stored = await storedSettings(wh);
  for (const [k, v] of stored) if (k in values) values[k as SettingKey] = v;
  return { values, set: new Set(stored.keys()) };
}

/** Set in `to` the settings `from` has set (into a fresh workspace: a staging one, or a copy). */
export async function copySettings(from: Warehouse, to: Warehouse): Promise<void> {
  for (const [k, v] of await storedSettings(from)) await to.exec('INSERT INTO _settings VALUES ($1, $2)', [k, v]);
}

export function assertKnownSetting(key: string): asserts key is SettingKey {
  if (!(SETTING_KEYS as string[]).includes(key)) {
    throw new UsageError('unknown-setting', `Unknown setting ${key}.`, `${didYouMean(key, SETTING_KEYS)}Settings: ${SETTING_KEYS.join(', ')}.`);
  }
}

export function validateSetting(key: string, value: string): string {
  assertKnownSetting(key);
  const r = SETTINGS[key].schema(loadZod()).safeParse(value);
  if (!r.success) throw new UsageError('bad-setting', `${key} must be ${r.error.issues[0]?.message ?? 'valid'}; got "${value}".`);
  // An industry selects built-in bands: a name one slip from a built-in one is a typo. A name far
  // from all of them is the workspace's own, whose bands a benchmarks file gives (the report
  // checks the file names it).
  if (key === 'industry' && closest(value, INDUSTRIES) !== undefined) assertKnownIndustry(value);
  return String(r.data);
}

export async function setSetting(wh: Warehouse, key: string, value: string): Promise<void> {
  await setSettings(wh, [[key, value]]);
}

/** Set several settings together: every value is checked before any is written, all in one transaction. */
export async function setSettings(wh: Warehouse, changes: readonly (readonly [string, string])[]): Promise<void> {
  const checked = changes.map(([key, value]) => [key, validateSetting(key, value)] as const);
  const currency = checked.find(([key]) => key === 'currency')?.[1];
  if (currency !== undefined && currency !== (await getSettings(wh)).currency) {
    // Amounts are converted with the FX rate in force when they were imported.
    const moneyTables = TABLES.filter((t) => t.fx || t.fields.some((f) => f.kind === 'money'));
    const union = moneyTables.map((t) => `SELECT count(*) AS n FROM ${wh.dialect.ident(t.name)}`).join(' UNION ALL ');
    const rows = await wh.query(`SELECT sum(n) AS n FROM (${union}) u`);
    if (Number(rows[0]?.n ?? 0) > 0) {
      throw new UsageError(
        'currency-after-import',
        'The reporting currency cannot change once money has been imported: amounts were converted with the rates of the old one.',
        'Set it in a new workspace before importing (retain config set currency EUR --db new.duckdb).',
      );
    }
  }
  if (checked.length === 0) return;
  // Where rows cannot be deleted, settings are appended and the latest of a key wins on read.
  // One transaction, so a cached result never outlives the value it was computed with.
  await wh.transaction(async () => {
    for (const [key, v] of checked) {
      if (wh.dialect.canDelete) await wh.exec(`DELETE FROM _settings WHERE key = $1`, [key]);
      await wh.exec(`INSERT INTO _settings VALUES ($1, $2)`, [key, v]);
    }
    await bumpVersions(wh, ['settings']);
  });
}
