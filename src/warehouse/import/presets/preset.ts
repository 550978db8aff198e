/**
 * What a preset is: a declarative mapping of a vendor's export onto canonical tables. A preset
 * names the export's signature headers (to detect it), and for each target table the parts whose
 * rows it contributes: which lines (a filter, counted when it skips lines for a reason), grouped
 * by what (an order-level table from line-level files), and each canonical field as an expression
 * over the file's columns. compile.ts turns this into SQL; nothing here touches a database.
 */

/** Where a timestamp column's zone comes from. */
export type Zone =
  | 'offset' // the text carries its own offset, e.g. 2025-10-07 09:50:26 +0200 (Shopify)
  | 'utc' // wall time in UTC, e.g. Stripe's "Created (UTC)"
  | 'local'; // wall time in the account's zone: --timezone, else the workspace time zone

/** An expression giving a canonical field's text (NULL when empty). */
export type Expr =
  | { readonly k: 'col'; readonly name: string; readonly optional?: boolean }
  | { readonly k: 'lit'; readonly value: string }
  | { readonly k: 'lower' | 'upper' | 'wholeId' | 'unsigned'; readonly e: Expr }
  | { readonly k: 'time'; readonly e: Expr; readonly zone: Zone }
  /** The instant `e` plus `minutes` minutes (a duration column), as timestamp text. */
  | { readonly k: 'plusMinutes'; readonly e: Expr; readonly minutes: Expr }
  /** Decimal arithmetic on parsed numbers; NULL when an operand does not parse. */
  | { readonly k: 'times' | 'over'; readonly a: Expr; readonly b: Expr }
  /** Values mapped by their lower-cased text; others kept as they are (so validation names them) unless `otherwise`. */
  | { readonly k: 'map'; readonly e: Expr; readonly values: Readonly<Record<string, string>>; readonly otherwise?: Expr | null }
  | { readonly k: 'concat'; readonly parts: readonly Expr[] }
  | { readonly k: 'coalesce'; readonly parts: readonly Expr[] }
  | { readonly k: 'when'; readonly cond: Cond; readonly then: Expr; readonly else?: Expr };

export type Cond =
  | { readonly k: 'present' | 'negative'; readonly e: Expr }
  | { readonly k: 'startsWith'; readonly e: Expr; readonly prefix: string }
  | { readonly k: 'in'; readonly e: Expr; readonly values: readonly string[] }
  | { readonly k: 'positive'; readonly e: Expr }
  | { readonly k: 'not'; readonly c: Cond }
  | { readonly k: 'and' | 'or'; readonly cs: readonly Cond[] };

/** How a field of a grouped part is taken from its group's lines. */
export type Agg =
  | 'first' // the first non-empty value in file order (order fields sit on an order's first line)
  | 'sum' // the sum of the parsed numbers
  | 'min'; // the earliest instant (a timestamp expression)

export type FieldSpec =
  | Expr
  | {
      readonly agg: Agg;
      readonly e: Expr;
      /** sum only: the sum when the group's first value of `e` is one of `values`, else 0. */
      readonly onlyWhen?: { readonly e: Expr; readonly values: readonly string[] };
    };

/** A filter on lines: `keep` lines only; those it drops are counted under `reason` when it has one. */
export interface Filter {
  readonly keep: Cond;
  /** e.g. "lines without a customer": said in the summary with the count. Without one, the lines are simply not this part's. */
  readonly reason?: string;
}

/** One source of a target's rows. */
export interface Part {
  readonly where?: readonly Filter[];
  /** Group lines by this expression: one row per group (its record number: the group's first line). */
  readonly groupBy?: Expr;
  /** Grouped parts: keep only the groups with a line where this holds (order fields sit on one line). */
  readonly anyLine?: Cond;
  /**
   * A line's number within its group (from 1, in file order where the group's lines are
   * contiguous), as field `as`: order lines without an id of their own. `prefixed`: the group's
   * value, a dash, then the number (an id unique across groups).
   */
  readonly lineNumber?: { readonly as: string; readonly within: Expr; readonly prefixed?: boolean };
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

export interface Target {
  readonly table: string;
  /** Parts whose rows are unioned (a subscription's start and its end are two events). */
  readonly parts: readonly Part[];
}

export interface Preset {
  readonly name: string;
  readonly title: string;
  /** Headers (exactly as the vendor writes them) that together identify the export. */
  readonly signature: readonly string[];
  /** Options the preset cannot do without (zendesk-tickets: timezone). */
  readonly requires?: readonly 'timezone'[];
  /** Targets in the order they are stored (customers before the orders that reference them). */
  readonly targets: readonly Target[];
}

/** Builders, so a preset reads as its mapping. */
export const col = (name: string, o: { optional?: boolean } = {}): Expr => ({ k: 'col', name, ...o });
export const lit = (value: string): Expr => ({ k: 'lit', value });
export const lower = (e: Expr): Expr => ({ k: 'lower', e });
export const upper = (e: Expr): Expr => ({ k: 'upper', e });
/** An identifier written as an integral float by a spreadsheet (17850.0) as the integer (17850). */
export const wholeId = (e: Expr): Expr => ({ k: 'wholeId', e });
/** A number's text without its minus sign (credit lines carry negative quantities). */
export const unsigned = (e: Expr): Expr => ({ k: 'unsigned', e });
export const time = (e: Expr, zone: Zone): Expr => ({ k: 'time', e, zone });
export const plusMinutes = (e: Expr, minutes: Expr): Expr => ({ k: 'plusMinutes', e, minutes });
export const times = (a: Expr, b: Expr): Expr => ({ k: 'times', a, b });
export const over = (a: Expr, b: Expr): Expr => ({ k: 'over', a, b });
export const map = (e: Expr, values: Readonly<Record<string, string>>, otherwise?: Expr | null): Expr =>
  otherwise === undefined ? { k: 'map', e, values } : { k: 'map', e, values, otherwise };
export const concat = (...parts: Expr[]): Expr => ({ k: 'concat', parts });
export const coalesce = (...parts: Expr[]): Expr => ({ k: 'coalesce', parts });
export const when = (cond: Cond, then: Expr, otherwise?: Expr): Expr => (otherwise ? { k: 'when', cond, then, else: otherwise } : { k: 'when', cond, then });
export const present = (e: Expr): Cond => ({ k: 'present', e });
export const negative = (e: Expr): Cond => ({ k: 'negative', e });
export const positive = (e: Expr): Cond => ({ k: 'positive', e });
export const startsWith = (e: Expr, prefix: string): Cond => ({ k: 'startsWith', e, prefix });
export const isIn = (e: Expr, values: readonly string[]): Cond => ({ k: 'in', e, values });
export const not = (c: Cond): Cond => ({ k: 'not', c });
export const and = (...cs: Cond[]): Cond => ({ k: 'and', cs });
export const or = (...cs: Cond[]): Cond => ({ k: 'or', cs });
export const first = (e: Expr): FieldSpec => ({ agg: 'first', e });
export const sum = (e: Expr, onlyWhen?: { e: Expr; values: readonly string[] }): FieldSpec => (onlyWhen ? { agg: 'sum', e, onlyWhen } : { agg: 'sum', e });
export const earliest = (e: Expr): FieldSpec => ({ agg: 'min', e });
