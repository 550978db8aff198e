/**
 * The customer filters and breakdown as the user typed them (--where field=value, --by field),
 * parsed and checked against the workspace before any metric runs: a field that is neither a
 * customer column nor an attributes key some customer has, or a value no customer has, would
 * otherwise give an empty report that looks like a real one. Every command taking --where or --by
 * goes through checkSlice.
 */
import { UsageError } from '../warehouse/errors.js';
import { didYouMean } from '../warehouse/suggest.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CUSTOMER_FIELDS, customerField, SLICE_ALIAS, type Slice } from './scope.js';

/** At most this many stored values are listed when a value matches none. */
const LISTED_VALUES = 10;

/** `field=value` of --where (the value may hold further `=`). */
export function parseWhere(w: string): { field: string; value: string } {
  const i = w.indexOf('=');
  if (i <= 0) throw new UsageError('bad-where', `--where ${w}: expected field=value.`, 'Example: --where country=DE');
  return { field: w.slice(0, i).trim(), value: w.slice(i + 1) };
}

/** The attributes keys some customer has, sorted (those a filter can name: letters, digits, _). */
export async function attributeKeys(wh: Warehouse): Promise<string[]> {
  const d = wh.dialect;
  const rows = await wh.query(`SELECT DISTINCT ${d.jsonKeyRows(`${SLICE_ALIAS}.attributes`)} AS attribute_key FROM ${d.table('customers')} ${SLICE_ALIAS} WHERE ${SLICE_ALIAS}.attributes IS NOT NULL`);
  return rows
    .map((r) => String(r.attribute_key))
    .filter((k) => /^[A-Za-z][A-Za-z0-9_]*$/.test(k))
    .sort();
}

/** Refuse a slice naming an unknown field or filtering on a value no customer has. */
export async function checkSlice(wh: Warehouse, slice: Slice): Promise<void> {
  const named = [...slice.where.map((w) => ({ field: w.field, flag: `--where ${w.field}=${w.value}` })), ...(slice.by === undefined ? [] : [{ field: slice.by, flag: `--by ${slice.by}` }])];
  if (!named.length) return;
  let keys: string[] | undefined;
  for (const { field, flag } of named) {
    if (CUSTOMER_FIELDS.includes(field)) continue;
    keys ??= await attributeKeys(wh);
    const key = field.startsWith('attributes.') ? field.slice('attributes.'.length) : field;
    if (keys.includes(key)) continue;
    throw new UsageError(
      'unknown-field',
      `${flag}: no customer field or attributes key ${field}.`,
      `${didYouMean(key, [...CUSTOMER_FIELDS, ...keys])}Customer fields: ${CUSTOMER_FIELDS.join(', ')}; attributes keys in this workspace: ${keys.length ? keys.join(', ') : 'none'}.`,
    );
  }
  for (const w of slice.where) await checkValue(wh, w.field, w.value);
}

/** A usage error unless some customer has `field` = `value`, with the stored spelling or values. */
async function checkValue(wh: Warehouse, field: string, value: string): Promise<void> {
  const d = wh.dialect;
  const column = customerField(d, field);
  const from = `FROM ${d.table('customers')} ${SLICE_ALIAS}`;
  const [hit] = await wh.query(`SELECT count(*) AS matches ${from} WHERE ${column} = $1`, [value]);
  if (Number(hit?.matches ?? 0) > 0) return;
  const alike = await wh.query(`SELECT DISTINCT ${column} AS stored ${from} WHERE ${d.lower(column)} = ${d.lower('$1')} ORDER BY stored`, [value]);
  const stored = await wh.query(`SELECT ${column} AS stored, count(*) AS holders ${from} WHERE ${column} IS NOT NULL GROUP BY stored ORDER BY holders DESC, stored LIMIT ${LISTED_VALUES + 1}`);
  const values = stored.map((r) => String(r.stored));
  const hint = alike.length
    ? `Did you mean ${alike.map((r) => `${field}=${String(r.stored)}`).join(' or ')}? Values are matched exactly.`
    : values.length
      ? `${didYouMean(value, values)}Values of ${field}, most customers first: ${values.slice(0, LISTED_VALUES).join(', ')}${values.length > LISTED_VALUES ? ', …' : ''}.`
      : `No customer has any ${field}.`;
  throw new UsageError('unknown-value', `--where ${field}=${value}: no customer has ${field} ${JSON.stringify(value)}.`, hint);
}
