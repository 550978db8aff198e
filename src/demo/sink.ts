/**
 * Where the simulation's rows go: one CSV file per canonical table, streamed. Rows are typed by
 * their table (field names checked against tables.ts at compile time), laid out in the table's
 * field order, buffered into ~64 KB chunks and written with backpressure, so memory stays flat
 * however many rows a demo has. Also the per-table id counters.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { tableDef, type TableName } from '../warehouse/schema/tables.js';
import type { Row } from '../warehouse/schema/types.js';

/** A formatted value; `undefined` is an empty cell. */
export type Cell = string | number | undefined;
/** An enum field takes one of its values; any other field a formatted cell. */
type CellOf<V> = [Exclude<V, undefined>] extends [string] ? (string extends Exclude<V, undefined> ? Cell : Exclude<V, undefined>) : Cell;
/** A row of table N: every field of the table by name (checked against tables.ts), required ones present. */
export type Cells<N extends TableName> = { [K in keyof Row<N>]: CellOf<Row<N>[K]> };

const CHUNK = 64 * 1024;
const NEEDS_QUOTES = /[",\n\r]/;

/** RFC 4180: quoted only when the value holds a comma, a quote or a line break. */
export function csvCell(v: Cell): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

class CsvFile {
  readonly stream: WriteStream;
  readonly fields: readonly string[];
  /** Per field: whether its values can hold characters that need quoting (free text, JSON; the ids are ours). */
  private readonly free: readonly boolean[];
  /** Lines are encoded straight into a chunk buffer: no long-lived strings for the collector to move. */
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  rows = 0;
  error: Error | undefined;

  constructor(
    readonly table: TableName,
    readonly file: string,
  ) {
    const fields = tableDef(table).fields;
    this.fields = fields.map((f) => f.name);
    this.free = fields.map((f) => f.kind === 'text' || f.kind === 'json');
    this.stream = createWriteStream(file, { highWaterMark: 1 << 20 });
    this.stream.on('error', (e) => (this.error ??= e));
    this.line(this.fields.join(','));
  }

  /** Buffers a row; returns a promise when a chunk went out and the stream is full. */
  add(row: Readonly<Record<string, Cell>>): Promise<void> | undefined {
    const { fields, free } = this;
    let line = '';
    for (let i = 0; i < fields.length; i++) {
      const v = row[fields[i]!];
      if (i > 0) line += ',';
      if (v === undefined) continue;
      line += typeof v === 'number' ? String(v) : free[i] ? csvCell(v) : v;
    }
    this.rows++;
    return this.line(line);
  }

  private line(line: string): Promise<void> | undefined {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    const wait = this.used + 3 * line.length + 1 > CHUNK ? this.flush() : undefined;
    if (3 * line.length + 1 > CHUNK) {
      this.stream.write(line + '\n');
      return wait;
    }
    this.used += this.chunk.write(line, this.used);
    this.chunk[this.used++] = 10;
    return wait;
  }

  flush(): Promise<void> | undefined {
    if (this.error) return Promise.reject(this.error);
    if (this.used === 0) return undefined;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    if (this.stream.write(full)) return undefined;
    return new Promise((resolve, reject) => {
      const done = (e?: Error) => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        if (e) reject(e);
        else resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
    });
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      if (this.error) return reject(this.error);
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }
}

export class Sink {
  private readonly files = new Map<TableName, CsvFile>();
  private waits: Promise<void>[] = [];

  /** Opens `<dir>/<table>.csv` for each table, in the given order (the order `close` reports them in). */
  constructor(dir: string, tables: readonly TableName[]) {
    for (const t of tables) this.files.set(t, new CsvFile(t, join(dir, `${t}.csv`)));
  }

  emit<N extends TableName>(table: N, row: Cells<N>): void {
    const wait = this.files.get(table)!.add(row as Readonly<Record<string, Cell>>);
    if (wait) this.waits.push(wait);
  }

  /** Resolves once every stream that filled up has drained (call between customers). */
  async drain(): Promise<void> {
    if (this.waits.length === 0) return;
    const waits = this.waits;
    this.waits = [];
    await Promise.all(waits);
  }

  async close(): Promise<{ table: string; file: string; rows: number }[]> {
    await this.drain();
    const out = [];
    for (const f of this.files.values()) {
      await f.close();
      out.push({ table: f.table, file: f.file, rows: f.rows });
    }
    return out;
  }

  /** Stops writing after a failure; the files are left incomplete. */
  destroy(): void {
    for (const f of this.files.values()) f.stream.destroy();
  }
}

/** Running counters, one per id prefix: `next('o')` → `o0000001`, `o0000002`, … */
export class Ids {
  private readonly counters = new Map<string, number>();

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    const digits = String(n);
    return digits.length >= 7 ? prefix + digits : prefix + '000000'.slice(digits.length - 1) + digits;
  }
}
