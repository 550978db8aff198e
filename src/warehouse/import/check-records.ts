/**
 * Records held as JSON objects (a quarantined record's verbatim copy, an ingested row) checked
 * exactly as a file's records are: the same check query over the same fields, into the same
 * checked view (CHECKED, with FX rates) that storeChecked stores from.
 */
import type { TableDef } from '../schema/tables.js';
import type { ParseOptions } from '../schema/parse-options.js';
import type { Warehouse } from '../warehouse.js';
import { addFx, NUMBERED } from './import.js';
import { checkQuery } from './validate-sql.js';

/**
 * Check the records of `from` — a SELECT giving `_row` (record number), `_line`, `_qfile` (where
 * the record came from) and `_qraw` (the record as a JSON object text) — into CHECKED.
 * `recordError`: SQL over those columns saying why a record is broken as a whole, or NULL.
 */
export async function checkRecords(wh: Warehouse, t: TableDef, from: string, ctx: { currency: string; recordError?: string; parse?: ParseOptions }): Promise<void> {
  const d = wh.dialect;
  const src = '_records_src';
  const cols = t.fields.map((f, i) => `${d.jsonText('_qraw', f.name)} AS c${i}`);
  await wh.exec(`DROP VIEW IF EXISTS ${src}`);
  await wh.exec(`CREATE TEMP VIEW ${src} AS SELECT _row, _line, _qfile, _qraw, ${cols.join(', ')} FROM (${from}) r`);
  const text = (field: string) => `c${t.fields.findIndex((f) => f.name === field)}`;
  const check = checkQuery(d, t, src, text, '_qraw', {
    currency: ctx.currency,
    recordError: ctx.recordError ?? null,
    fileExpr: '_qfile',
    rowColumn: true,
    keep: ['_line'],
    ...(ctx.parse ? { parse: ctx.parse } : {}),
  });
  await wh.exec(`CREATE TEMP TABLE ${NUMBERED}_raw AS ${check}`);
  await wh.exec(`CREATE TEMP VIEW ${NUMBERED} AS SELECT * FROM ${NUMBERED}_raw`);
  await addFx(wh, t, ctx.currency);
}

/** Drop what checkRecords made beyond the checked view (dropChecked drops that). */
export async function dropRecordsSource(wh: Warehouse): Promise<void> {
  await wh.exec(`DROP VIEW IF EXISTS _records_src`);
}
