/**
 * The warehouse interface every engine implements. Upper layers (import, metrics, models, CLI)
 * talk to this and to the engine's Dialect only, never to a driver.
 */
import type { Dialect } from './dialect.js';

/** A value bound as a query parameter. Never spliced into SQL text. */
export type Param = string | number | boolean | null | bigint | Date;

/** A result row with JSON-friendly values (numbers, strings, booleans, null; BIGINT beyond 2^53 as string). */
export type Row = Record<string, unknown>;

export interface QueryProgress {
  /** 0–100, or -1 when the engine cannot tell. */
  readonly percent: number;
}

/** A source file as the engine should read it into a staging table of text columns. */
export interface FileSource {
  readonly path: string;
  readonly format: 'csv' | 'jsonl' | 'parquet';
  /** CSV only: the delimiter found in (or given for) the header line. */
  readonly delimiter?: string;
  /** The source's column names, in order (CSV: from the header line). */
  readonly columns: readonly string[];
}

/** A file as the engine exposes it to validation: a view of text columns. */
export interface StagedFile {
  /** The view to SELECT from. */
  readonly table: string;
  /** Source column names; source column i is the view's column `c<i>`. */
  readonly columns: readonly string[];
  /** SQL over the view giving why a record is broken as a whole (too many fields, not JSON), or NULL. */
  readonly recordError: string | null;
  /** Whether the view carries `_row`; otherwise the engine numbers the checked rows itself. */
  readonly hasRowColumn: boolean;
  /** SQL over the view giving a record's verbatim content as a JSON object text, its columns named `names`. */
  readonly rawExpr: (names: readonly string[]) => string;
  /** Columns of the view the check must pass through untouched (the engine numbers lines with them). */
  readonly keep: readonly string[];
}

/** A record the engine's reader could not split into fields at all. */
export interface MalformedRecord {
  readonly row: number;
  /** Its line in the file (what an editor shows), when the engine can tell. */
  readonly line: number | null;
  readonly raw: string;
  readonly reason: string;
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** Where the workspace lives (a file path, or a URL for a server). */
  readonly location: string;
  /** Run a query with bound parameters ($1, $2, … in order) and return all rows. */
  query(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /**
   * A numeric result column by column, each a Float64Array in row order, NULL as NaN: for large
   * results (a million per-customer rows for the models) — no object per row or per value.
   */
  queryNumbers(sql: string, params?: readonly Param[]): Promise<{ readonly length: number; readonly columns: Readonly<Record<string, Float64Array>> }>;
  /** Run statements that return nothing. */
  exec(sql: string, params?: readonly Param[]): Promise<void>;
  /** Run fn inside one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Another connection to the same workspace, with transactions and temp tables of its own (the
   * server's ingest writer commits on one while reports read on the first); closing it leaves the
   * workspace open. Only engines with transactions have it (DuckDB): ClickHouse statements stand alone.
   */
  connection?(): Promise<Warehouse>;
  /** Create the canonical and bookkeeping tables when missing. Idempotent. */
  createSchema(): Promise<void>;
  /**
   * Bulk load and check in one streaming pass: expose the file as a view of text columns, then
   * materialise `into` (a temp table, outside any transaction) from the SELECT that `check`
   * builds over that view, numbered by `_row` in file order. Also returns the records the reader
   * could not parse at all.
   */
  loadChecked(
    source: FileSource,
    check: (staged: StagedFile) => string,
    into: string,
  ): Promise<{ staged: StagedFile; malformed: MalformedRecord[] }>;
  /** Drop the temp tables and views of a load (safe to call when there are none). */
  dropLoad(into: string): Promise<void>;
  /** Calls onProgress while long statements run (bulk load, validation). Returns a stop function. */
  watchProgress(onProgress: (p: QueryProgress) => void): () => void;
  /**
   * Write a query's rows to a CSV file: no header, NULL as \N, values as the engine prints them
   * (select them through Dialect.portableText when another engine will read the file).
   */
  writeCsv(sql: string, path: string): Promise<void>;
  /** Append the rows of a CSV file written by writeCsv (of any engine) to a table's columns, in order. */
  readCsv(table: string, columns: readonly string[], path: string): Promise<void>;
  /**
   * Rows spread over shards by their customer (a ClickHouse cluster; see its ddl.ts): a row whose
   * customer changes would land on another shard, beside the row it should replace.
   */
  readonly sharded?: boolean;
  /** Only reads are allowed through this (the `retain sql` surface). */
  queryReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }>;
  close(): Promise<void>;
  /** For an engine that does not check files itself (ClickHouse): a fresh embedded workspace to check an import in. */
  staging?(): Promise<Warehouse>;
}
