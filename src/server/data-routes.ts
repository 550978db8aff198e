/**
 * The data routes: past imports and a file upload's import (upload.ts), the quarantine (list,
 * export as CSV, retry — as `retain quarantine`), and the settings (as `retain config`). Reads
 * for a read key, writes for an admin key.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { flag, list, numeric, text } from '../metrics/request.js';
import { positiveWhole } from '../metrics/option-values.js';
import { toCsv } from '../warehouse/csv-out.js';
import { listImports } from '../warehouse/import/imports-log.js';
import { exportQuarantine, listQuarantine } from '../warehouse/import/quarantine.js';
import { INPUT_FORMATS, type InputFormat } from '../warehouse/import/source.js';
import { retryInto } from '../warehouse/import/via-staging.js';
import { getSettings, SETTING_KEYS, setSettings } from '../warehouse/schema/settings.js';
import { TABLE_NAMES } from '../warehouse/schema/tables.js';
import { UsageError } from '../warehouse/errors.js';
import { HttpProblem } from './problems.js';
import { defineRoute, Streamed } from './route.js';
import { importJobs, uploadAndImport } from './upload.js';

/** The options of `retain import`, named as parameters (`date_format` for --date-format). */
const importQuery = z.object({
  filename: text.describe('the file’s name, for the import log (its extension tells the format unless input_format does; default upload.csv)'),
  map: list.describe('source_column=canonical_field (repeatable)'),
  input_format: text.describe(`the file format: ${INPUT_FORMATS.join(', ')}`),
  delimiter: text.describe('CSV delimiter (default: detected from the header)'),
  mode: text.describe('insert (default) or upsert'),
  date_format: text.describe('timestamps and dates as the file writes them, e.g. %m/%d/%Y'),
  decimal_comma: flag.describe('money and decimals with a decimal comma'),
  thousands: text.describe('thousands separator of money and decimals'),
  strip_currency: flag.describe('drop a currency sign or code around money'),
  timezone: text.describe('time zone of timestamps without an offset (default: the workspace’s)'),
  normalize_ids: flag.describe('store identifiers written as 17850.0 as 17850'),
  extra_attributes: flag.describe('keep every column no field takes in attributes'),
  dry_run: flag.describe('check and count, write nothing'),
});

const table = z.object({ table: z.enum(TABLE_NAMES as [string, ...string[]]).describe('a table of the data model') });

const csv = (text: string, name: string) => new Streamed(Readable.from([text]), 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${name}"` });

export const dataRoutes = [
  defineRoute({ method: 'GET', url: '/v1/imports', permission: 'read', schemas: {}, summary: 'Past imports with their counts (as retain imports --format json).', handler: ({ wh }) => listImports(wh) }),
  defineRoute({
    method: 'POST',
    url: '/v1/imports/:table',
    permission: 'admin',
    body: 'upload',
    schemas: { params: table, query: importQuery },
    summary: 'Import a file sent as the body (text/csv or application/octet-stream), streamed to disk, then the import of retain import: its summary (read = accepted + updated + duplicates + quarantined).',
    handler: async ({ wh, params, query: q, body }) => {
      if (!(body instanceof Readable)) {
        throw new HttpProblem(415, 'bad-content-type', 'Send the file itself as the body, with Content-Type text/csv or application/octet-stream.', 'curl --data-binary @orders.csv -H "Content-Type: text/csv" …');
      }
      if (q.input_format !== undefined && !(INPUT_FORMATS as readonly string[]).includes(q.input_format)) throw new UsageError('bad-option', `input_format must be one of ${INPUT_FORMATS.join(', ')}; got "${q.input_format}".`);
      if (q.mode !== undefined && q.mode !== 'insert' && q.mode !== 'upsert') throw new UsageError('bad-option', `mode must be insert or upsert; got "${q.mode}".`);
      const { job, summary } = await uploadAndImport(wh, body, q.filename ?? 'upload.csv', {
        table: params.table,
        map: q.map,
        format: q.input_format as InputFormat | undefined,
        delimiter: q.delimiter === '\\t' ? '\t' : q.delimiter,
        mode: q.mode as 'insert' | 'upsert' | undefined,
        dateFormat: q.date_format,
        decimalComma: q.decimal_comma,
        thousands: q.thousands,
        stripCurrency: q.strip_currency,
        timezone: q.timezone,
        normalizeIds: q.normalize_ids,
        extraAttributes: q.extra_attributes,
        dryRun: q.dry_run,
      });
      return { job, ...summary };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/imports/jobs',
    permission: 'read',
    schemas: {},
    summary: 'File uploads of this server, running and of the last hour, newest first: bytes received, the import’s phase and percent, then its summary.',
    handler: ({ wh }) => importJobs(wh),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/quarantine',
    permission: 'read',
    schemas: { query: z.object({ table: text.describe('only this table'), limit: numeric.describe('at most this many rows (default 100)') }) },
    summary: 'Open quarantined rows with their file, record number, line and reasons (as retain quarantine list --format json).',
    handler: ({ wh, query }) => listQuarantine(wh, { table: query.table, limit: query.limit === undefined ? 100 : positiveWhole('limit', query.limit) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/quarantine/export',
    permission: 'read',
    schemas: { query: z.object({ table: z.string().describe('the table') }) },
    csv: 'always',
    summary: 'One table’s quarantined rows as CSV, canonical columns first, ready to correct and import again (as retain quarantine export).',
    handler: async ({ wh, query }) => {
      const { columns, rows } = await exportQuarantine(wh, query.table);
      return csv(toCsv(columns, rows), `quarantine-${query.table}.csv`);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/quarantine/retry',
    permission: 'admin',
    body: 'object',
    schemas: { body: z.object({ table: text.describe('only this table') }) },
    summary: 'Validate quarantined rows again; those that now pass move into their table (as retain quarantine retry --format json).',
    handler: async ({ wh, body }) => {
      const conn = wh.connection ? await wh.connection() : wh;
      try {
        return await retryInto(conn, (body as { table?: string }).table);
      } finally {
        if (conn !== wh) await conn.close();
      }
    },
  }),
  defineRoute({ method: 'GET', url: '/v1/settings', permission: 'read', schemas: {}, summary: 'The workspace settings (as retain config get --format json).', handler: ({ wh }) => getSettings(wh) }),
  defineRoute({
    method: 'PUT',
    url: '/v1/settings',
    permission: 'admin',
    body: 'object',
    schemas: { body: z.object(Object.fromEntries(SETTING_KEYS.map((k) => [k, z.string().optional()])) as Record<string, z.ZodOptional<z.ZodString>>) },
    summary: 'Change settings: a JSON object of setting → value, each as retain config set takes it; all are checked before any is set. The answer is every setting.',
    handler: async ({ wh, body }) => {
      const changes = Object.entries(body as Record<string, string | undefined>).filter((e): e is [string, string] => e[1] !== undefined);
      await setSettings(wh, changes);
      return getSettings(wh);
    },
  }),
];
