/**
 * One CSV file written as a stream: rows are buffered into ~64 KB chunks and written with
 * backpressure, so memory stays flat however many rows a demo has.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

const CHUNK = 64 * 1024;

export class CsvWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private size = 0;
  rows = 0;

  constructor(
    readonly file: string,
    header: readonly string[],
  ) {
    this.stream = createWriteStream(file);
    this.buffer.push(header.join(',') + '\n');
  }

  /** Add a row (values already formatted; null and undefined are empty). Await the result when it is a promise. */
  row(values: readonly (string | number | null | undefined)[]): Promise<void> | undefined {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i) line += ',';
      if (v === null || v === undefined) continue;
      const s = typeof v === 'number' ? String(v) : v;
      line += /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    }
    this.buffer.push(line + '\n');
    this.size += line.length + 1;
    this.rows++;
    return this.size >= CHUNK ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
