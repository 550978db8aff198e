/**
 * Field kinds of the canonical tables. A field is declared once here (kind, required, bounds) and
 * that one declaration yields the TypeScript type and zod validator (see zod.ts), the column type in
 * the DDL and the bulk validation SQL (see ../import/validate-sql.ts). Keep the rules of a kind in
 * this file's vocabulary only: both validators interpret the same words.
 */

export type FieldKind =
  | 'id' // a key or reference: any non-empty text
  | 'text'
  | 'timestamp' // ISO 8601; without an offset, in the import's time zone (a date alone: its midnight); stored as UTC
  | 'date' // calendar date (fx_rates)
  | 'money' // decimal, non-negative, in the row's currency
  | 'decimal' // non-negative decimal (quantities, points, rates)
  | 'integer' // whole number
  | 'enum'
  | 'boolean'
  | 'json' // a JSON object
  | 'currency'; // ISO 4217 code, three letters

export interface FieldDef {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly description: string;
  /** Smallest allowed value (numbers). */
  readonly min?: number;
  /** Values must be strictly greater than min. */
  readonly exclusiveMin?: boolean;
  readonly values?: readonly string[];
  /** Value used when the field is empty (enum defaults such as status = completed). */
  readonly default?: string;
  /** Timestamps: may lie in the future (a due date), so the clock-skew rule does not apply. */
  readonly future?: boolean;
  /** Added after workspaces already existed: opening one adds the column when it is missing. */
  readonly added?: boolean;
}

type Opts<R extends boolean = boolean> = Partial<Pick<FieldDef, 'min' | 'exclusiveMin' | 'default' | 'future' | 'added'>> & { required?: R };

/** A declared field, with its name, kind and requiredness kept in its type (see types.ts). */
export type Field<K extends FieldKind, N extends string, R extends boolean> = FieldDef & {
  readonly kind: K;
  readonly name: N;
  readonly required: R;
};

function field<K extends FieldKind, N extends string, R extends boolean = false>(kind: K, name: N, description: string, opts: Opts<R> = {}): Field<K, N, R> {
  const { required = false, ...rest } = opts;
  return { name, kind, required: required as R, description, ...rest };
}

const builder =
  <K extends FieldKind>(kind: K, base: Opts = {}) =>
  <N extends string, R extends boolean = false>(name: N, d: string, o?: Opts<R>) =>
    field<K, N, R>(kind, name, d, { ...base, ...o } as Opts<R>);

/** Builders: `f.id('order_id', '…', { required: true })`. Names read as the spec's table. */
export const f = {
  id: builder('id'),
  text: builder('text'),
  timestamp: builder('timestamp'),
  date: builder('date'),
  money: builder('money', { min: 0 }),
  decimal: builder('decimal', { min: 0 }),
  integer: builder('integer'),
  boolean: builder('boolean'),
  json: builder('json'),
  currency: builder('currency'),
  enum: <N extends string, const V extends readonly string[], R extends boolean = false>(name: N, values: V, d: string, o?: Opts<R>) => ({
    ...field<'enum', N, R>('enum', name, d, o),
    values,
  }),
};

/** Words accepted as booleans, lower-cased. The SQL validator uses the same lists. */
export const TRUE_WORDS = ['true', '1', 'yes', 'y', 't'] as const;
export const FALSE_WORDS = ['false', '0', 'no', 'n', 'f'] as const;

/** A timestamp may be this far in the future (clock skew between systems) before it is rejected. */
export const CLOCK_SKEW_MINUTES = 15;

/** Money and decimals are stored with this precision: DECIMAL(18, 4). */
export const DECIMAL_SCALE = 4;
