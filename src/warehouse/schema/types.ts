/**
 * The TypeScript type of each canonical table's rows, derived from the one declaration in
 * tables.ts: `Row<'orders'>` has `order_id: string`, `ordered_at: Date`, `amount: number`,
 * `status?: 'completed' | 'cancelled'`, … (optional fields optional). It is what the zod row
 * validator returns.
 */
import type { FieldKind } from './fields.js';
import type { TABLE_DECLS, TableName } from './tables.js';

interface KindType {
  id: string;
  text: string;
  timestamp: Date;
  date: Date;
  money: number;
  decimal: number;
  integer: number;
  enum: string;
  boolean: boolean;
  json: string;
  currency: string;
}

type Table<N extends TableName> = Extract<(typeof TABLE_DECLS)[number], { name: N }>;
type FieldOf<N extends TableName> = Table<N>['fields'][number];
type ValueOf<F> = F extends { kind: 'enum'; values: readonly (infer V)[] } ? V : F extends { kind: infer K extends FieldKind } ? KindType[K] : never;

export type Row<N extends TableName> = {
  -readonly [F in FieldOf<N> as F['required'] extends true ? F['name'] : never]: ValueOf<F>;
} & {
  -readonly [F in FieldOf<N> as F['required'] extends true ? never : F['name']]?: ValueOf<F>;
};
