/**
 * Field kinds of the canonical tables. A field is declared once here (kind, required, bounds) and
 * that one declaration yields the TypeScript type and zod validator (see zod.ts), the column type in
 * the DDL and the bulk validation SQL (see ../import/validate-sql.ts). Keep the rules of a kind in
 * this file's vocabulary only: both validators interpret the same words.
 */

export type FieldKind =
  | 'id' // a key or reference: any non-empty text
  | 'text'
  | 'timestamp' // ISO 8601; a date alone is midnight UTC; stored as UTC
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
}

type Opts = Partial<Pick<FieldDef, 'min' | 'exclusiveMin' | 'default' | 'future'>> & { required?: boolean };

function field(kind: FieldKind, name: string, description: string, opts: Opts = {}): FieldDef {
  const { required = false, ...rest } = opts;
  return { name, kind, required, description, ...rest };
}

/** Builders: `id('order_id', '…', { required: true })`. Names read as the spec's table. */
export const f = {
  id: (name: string, d: string, o?: Opts) => field('id', name, d, o),
  text: (name: string, d: string, o?: Opts) => field('text', name, d, o),
  timestamp: (name: string, d: string, o?: Opts) => field('timestamp', name, d, o),
  date: (name: string, d: string, o?: Opts) => field('date', name, d, o),
  money: (name: string, d: string, o?: Opts) => field('money', name, d, { min: 0, ...o }),
  decimal: (name: string, d: string, o?: Opts) => field('decimal', name, d, { min: 0, ...o }),
  integer: (name: string, d: string, o?: Opts) => field('integer', name, d, o),
  boolean: (name: string, d: string, o?: Opts) => field('boolean', name, d, o),
  json: (name: string, d: string, o?: Opts) => field('json', name, d, o),
  currency: (name: string, d: string, o?: Opts) => field('currency', name, d, o),
  enum: (name: string, values: readonly string[], d: string, o?: Opts): FieldDef => ({
    ...field('enum', name, d, o),
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
