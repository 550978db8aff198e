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

/** What `stage` produced: a temp table with `_row` (1-based record number) and `c0…cN` text columns. */
export interface StagedFile {
  readonly table: string;
  /** Source column i is staged as `c<i>`; extra fields beyond the header land in `x0…`. */
  readonly columns: readonly string[];
  readonly extraColumns: readonly string[];
  /** Records the engine could not split into fields at all (see stagedMalformed). */
  readonly malformed: number;
  /** SQL over the staging table giving a record's verbatim content as a JSON object text, its columns named `names`. */
  readonly rawExpr: (names: readonly string[]) => string;
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** Where the workspace lives (a file path, or a URL for a server). */
  readonly location: string;
  /** Run a query with bound parameters ($1, $2, … in order) and return all rows. */
  query(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** Run statements that return nothing. */
  exec(sql: string, params?: readonly Param[]): Promise<void>;
  /** Run fn inside one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Create the canonical and bookkeeping tables when missing. Idempotent. */
  createSchema(): Promise<void>;
  /**
   * Bulk load: read a file into a new temporary staging table of text columns, in file order.
   * Structurally broken records are recorded in `malformed` (see stagedMalformed).
   */
  stage(source: FileSource, stagingTable: string): Promise<StagedFile>;
  /** The malformed records of the last `stage`: record number, raw text and reason. */
  stagedMalformed(): Promise<{ row: number; raw: string; reason: string }[]>;
  /** Calls onProgress while long statements run (bulk load, validation). Returns a stop function. */
  watchProgress(onProgress: (p: QueryProgress) => void): () => void;
  /** Only reads are allowed through this (the `retain sql` surface). */
  queryReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }>;
  close(): Promise<void>;
}
