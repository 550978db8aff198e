/** The embedded DuckDB engine: a workspace is one DuckDB file (or `:memory:` for tests). */
import { yieldToLoop } from '../../event-loop.js';
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBDoubleVector, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { RetainError, UsageError } from '../../errors.js';
import type { FileSource, MalformedRecord, Param, QueryProgress, Row, StagedFile, Warehouse } from '../../warehouse.js';
import { schemaSql } from './ddl.js';
import { duckdbDialect } from './dialect.js';
import { holderOf } from '../../holder.js';
import { addLinesSql, csvPlan, jsonlPlan, linePassSql, lineNumbersSql, numberedSelect, numberedView, parquetPlan, type LoadPlan } from './load.js';

// Required, not imported: the binding is CommonJS that re-exports 90 files, and an ES import makes
// Node parse each for its export names first: 0.33–0.48 s to require against 1.1–1.2 s to import,
// measured on a busy 2-core machine, on every command that opens a workspace.
const { DuckDBDecimalValue, DuckDBInstance: Instance, DuckDBListValue, StatementType } = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;

/** RETAIN_TRACE=1 prints every statement with its duration to stderr. */
const TRACE = process.env.RETAIN_TRACE === '1';

/**
 * A large result is converted to JavaScript values a few chunks (2,048 rows each) at a time, the
 * event loop let run between: the engine computes on its own threads, but the conversion runs on
 * the loop, and a server answers its other requests (/healthz, cached answers) meanwhile.
 */
const YIELD_CHUNKS = 8;

export interface DuckDBOptions {
  readOnly?: boolean;
  /** DuckDB memory limit, e.g. '2GB'; beyond it DuckDB spills to disk. */
  memoryLimit?: string;
  threads?: number;
}

export async function openDuckDB(path: string, opts: DuckDBOptions = {}): Promise<Warehouse> {
  const config: Record<string, string> = {};
  if (opts.readOnly && path !== ':memory:') config.access_mode = 'READ_ONLY';
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  if (opts.threads) config.threads = String(opts.threads);
  let instance: DuckDBInstance;
  try {
    instance = await Instance.create(path, config);
  } catch (e) {
    const msg = (e as Error).message;
    const server = /lock/i.test(msg) ? holderOf(path) : null;
    const hint = server
      ? `retain serve (pid ${server.pid}, ${server.url}) holds this workspace: stop it first, or use its API (POST ${server.url}/v1/ingest/{table} takes rows).`
      : /lock/i.test(msg)
        ? 'Another retain command is using this workspace; wait for it to finish.'
        : 'Check that --db points to a Retain workspace (a DuckDB file) you can read and write.';
    throw new RetainError('workspace-open-failed', `Cannot open workspace ${path}: ${msg}`, hint);
  }
  return new DuckDBWarehouse(path, instance, await connect(instance), true);
}

async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  // UTC session: timestamps without an offset are read as UTC; reports convert explicitly.
  await conn.run(`SET TimeZone = 'UTC'; SET enable_progress_bar = true; SET enable_progress_bar_print = false`);
  return conn;
}

class DuckDBWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  private loadCount = 0;

  constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The first connection owns the database: closing it closes the workspace. */
    private readonly ownsInstance: boolean,
  ) {}

  async connection(): Promise<Warehouse> {
    return new DuckDBWarehouse(this.location, this.instance, await connect(this.instance), false);
  }

  async query(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    const result = await this.materialize(sql, params);
    const columns = result.columnNames();
    const rows: Row[] = [];
    for (let c = 0; c < result.chunkCount; c++) {
      if (c % YIELD_CHUNKS === YIELD_CHUNKS - 1) await yieldToLoop();
      for (const r of result.getChunk(c).getRows()) rows.push(Object.fromEntries(columns.map((col, i) => [col, toJs(r[i] as DuckDBValue)])));
    }
    return rows;
  }

  async queryNumbers(sql: string, params: readonly Param[] = []) {
    // Every column made DOUBLE (NULL as NaN) in the engine and read from each chunk's vector
    // straight into a Float64Array: no value object per item.
    const result = await this.materialize(`SELECT coalesce(CAST(COLUMNS(*) AS DOUBLE), CAST('NaN' AS DOUBLE)) FROM (${sql}) q`, params);
    const names = result.columnNames();
    const columns = names.map(() => new Float64Array(result.rowCount));
    for (let c = 0, at = 0; c < result.chunkCount; c++) {
      if (c % YIELD_CHUNKS === YIELD_CHUNKS - 1) await yieldToLoop();
      const chunk = result.getChunk(c);
      columns.forEach((col, j) => {
        const v = chunk.getColumnVector(j) as DuckDBDoubleVector;
        for (let i = 0; i < chunk.rowCount; i++) col[at + i] = v.getItem(i)!;
      });
      at += chunk.rowCount;
    }
    return { length: result.rowCount, columns: Object.fromEntries(names.map((n, j) => [n, columns[j]!])) };
  }

  async exec(sql: string, params: readonly Param[] = []): Promise<void> {
    await this.run(sql, params);
  }

  private run(sql: string, params: readonly Param[]) {
    return this.traced(sql, () => this.conn.runAndReadAll(sql, params.length ? params.map(toDuckDB) : undefined));
  }

  private materialize(sql: string, params: readonly Param[]) {
    return this.traced(sql, () => this.conn.run(sql, params.length ? params.map(toDuckDB) : undefined));
  }

  private async traced<T>(sql: string, fn: () => Promise<T>): Promise<T> {
    const t0 = TRACE ? performance.now() : 0;
    try {
      return await fn();
    } catch (e) {
      throw new RetainError('query-failed', (e as Error).message, undefined, { sql, cause: e });
    } finally {
      if (TRACE) process.stderr.write(`[sql ${((performance.now() - t0) / 1000).toFixed(3)}s] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
  }

  async writeCsv(sql: string, path: string): Promise<void> {
    await this.exec(`COPY (${sql}) TO ${duckdbDialect.str(path)} (FORMAT csv, HEADER false, NULLSTR '\\N')`);
  }

  async readCsv(table: string, columns: readonly string[], path: string): Promise<void> {
    const d = duckdbDialect;
    // Read as text, cast by the INSERT to the columns' types.
    const types = columns.map((c, i) => `${d.str(`c${i}`)}: 'VARCHAR'`).join(', ');
    await this.exec(`INSERT INTO ${d.ident(table)} (${columns.map(d.ident).join(', ')})
      SELECT * FROM read_csv(${d.str(path)}, header = false, auto_detect = false, nullstr = '\\N', allow_quoted_nulls = false, quote = '"', escape = '"', delim = ',', columns = {${types}})`);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const result = await fn();
      await this.conn.run('COMMIT');
      return result;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async createSchema(): Promise<void> {
    for (const sql of schemaSql()) await this.exec(sql);
  }

  async loadChecked(
    src: FileSource,
    check: (staged: StagedFile) => string,
    into: string,
  ): Promise<{ staged: StagedFile; malformed: MalformedRecord[] }> {
    const d = duckdbDialect;
    const staging = `${into}_src`;
    const rejects = `_rejects_${process.pid}_${++this.loadCount}`;
    let plan: LoadPlan;
    if (src.format === 'parquet') {
      const described = await this.query(`DESCRIBE SELECT * FROM read_parquet(${d.str(src.path)})`);
      src = { ...src, columns: described.map((r) => String(r.column_name)) };
      plan = parquetPlan(src, staging, described.map((r) => String(r.column_type)));
    } else plan = src.format === 'csv' ? csvPlan(src, staging, rejects) : jsonlPlan(src, staging, rejects);
    const staged = (p: LoadPlan): StagedFile => ({
      table: staging,
      columns: [...src.columns],
      recordError: p.recordError,
      hasRowColumn: p.hasRowColumn,
      rawExpr: p.rawExpr,
      keep: p.keep,
    });
    const raw = `${into}_raw`;
    const materialise = async (p: LoadPlan) => {
      await this.exec(p.load);
      await this.exec(`CREATE TEMP TABLE ${d.ident(raw)} AS ${check(staged(p))}`);
    };
    await this.dropLoad(into);
    try {
      await materialise(plan);
    } catch (e) {
      // DuckDB's parallel reader cannot pad short records once quoted line breaks appear; such
      // files are read again by the single-threaded reader, which can.
      if (src.format !== 'csv' || !/parallel\s*=\s*false/.test((e as Error).message)) throw e;
      await this.dropLoad(into);
      plan = csvPlan(src, staging, rejects, false);
      await materialise(plan);
    }
    const hasRejects = src.format !== 'parquet';
    const rejected = hasRejects
      ? await this.query(`SELECT line, csv_line, error_type, error_message FROM ${d.ident(rejects)} ORDER BY line`)
      : [];
    const numbered = numberedSelect(raw, plan, rejected.length ? rejects : null);
    // Line numbers take a pass of their own over a CSV file: only when a record may be quarantined.
    const lines = `${into}_lines`;
    const needLines =
      plan.lineExpr === null &&
      (rejected.length > 0 || Number((await this.query(`SELECT count(*) AS n FROM ${d.ident(raw)} WHERE _raw IS NOT NULL`))[0]?.n ?? 0) > 0);
    if (needLines) {
      await this.exec(linePassSql(src, lines));
      const [f] = await this.query(`SELECT count(*) FILTER (WHERE NOT filled) AS blank, (SELECT count(*) FROM ${d.ident(`${lines}_rej`)}) AS rejected FROM ${d.ident(`${lines}_file`)}`);
      const file = { blank: Number(f?.blank ?? 0) > 0, rejected: Number(f?.rejected ?? 0) > 0 };
      await this.exec(lineNumbersSql(raw, plan, rejected.length ? rejects : null, lines, file));
      await this.exec(addLinesSql(raw, lines));
      await this.dropLines(lines);
    }
    await this.exec(numberedView(numbered, into, plan, needLines));
    const lineOf = needLines && rejected.length
      ? new Map((await this.query(`SELECT _row, _line FROM ${d.ident(lines)} WHERE _row IN (SELECT line - ${plan.headerLines} FROM ${d.ident(rejects)})`)).map((r) => [Number(r._row), Number(r._line)]))
      : new Map<number, number>();
    const malformed = rejected.map((r) => {
      const row = Number(r.line) - plan.headerLines;
      return {
        row,
        // A JSON line's number is its line.
        line: needLines ? (lineOf.get(row) ?? null) : plan.hasRowColumn ? row : null,
        raw: String(r.csv_line ?? ''),
        reason: `malformed record (${String(r.error_type).toLowerCase()}): ${String(r.error_message)}`,
      };
    });
    return { staged: staged(plan), malformed };
  }

  async dropLoad(into: string): Promise<void> {
    const d = duckdbDialect;
    await this.exec(`DROP VIEW IF EXISTS ${d.ident(into)}; DROP TABLE IF EXISTS ${d.ident(into + '_raw')};
      DROP VIEW IF EXISTS ${d.ident(into + '_src')}; DROP TABLE IF EXISTS ${d.ident(into + '_src_lines')};
      DROP TABLE IF EXISTS ${d.ident(into + '_lines')}`);
    await this.dropLines(`${into}_lines`);
  }

  /** The bare-lines pass's tables (linePassSql). */
  private async dropLines(lines: string): Promise<void> {
    const d = duckdbDialect;
    await this.exec(`DROP TABLE IF EXISTS ${d.ident(`${lines}_file`)}; DROP TABLE IF EXISTS ${d.ident(`${lines}_rej`)}; DROP TABLE IF EXISTS ${d.ident(`${lines}_rej_scan`)}`);
  }

  watchProgress(onProgress: (p: QueryProgress) => void): () => void {
    const timer = setInterval(() => {
      const p = this.conn.progress;
      onProgress({ percent: p.percentage });
    }, 200);
    return () => clearInterval(timer);
  }

  async queryReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    // The user's own SQL: its mistakes are theirs to fix, so they come back as usage errors.
    try {
      return await this.runReadOnly(sql);
    } catch (e) {
      if (e instanceof RetainError || !(e instanceof Error)) throw e;
      throw new UsageError('sql-error', e.message.replace(/^Failed to extract statements: /, ''), 'Fix the statement; retain sql --help shows examples.');
    }
  }

  private async runReadOnly(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    const extracted = await this.conn.extractStatements(sql);
    if (extracted.count !== 1) {
      throw new UsageError('sql-one-statement', 'retain sql runs exactly one statement.', 'Remove the extra statements.');
    }
    const prepared = await extracted.prepare(0);
    const allowed = [StatementType.SELECT, StatementType.EXPLAIN, StatementType.PRAGMA];
    if (!allowed.includes(prepared.statementType)) {
      throw new UsageError(
        'sql-read-only',
        'retain sql only reads: use SELECT (or EXPLAIN, DESCRIBE, SHOW).',
        'Change data with retain import, retain quarantine retry or retain config set.',
      );
    }
    const reader = await prepared.runAndReadAll();
    const columns = reader.columnNames();
    const rows = reader.getRows().map((r) => Object.fromEntries(columns.map((c, i) => [c, toJs(r[i] as DuckDBValue)])));
    return { columns, rows };
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

function toDuckDB(p: Param): DuckDBValue {
  if (p instanceof Date) return p.toISOString();
  return p;
}

/** Engine values → plain JSON-friendly JS: exact integers as numbers, decimals as numbers, dates as text. */
function toJs(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : v.toString();
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue) return v.items.map(toJs);
  return String(v);
}
