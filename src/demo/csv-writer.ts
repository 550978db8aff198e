/**
 * One CSV file written as a stream: rows are buffered into ~64 KB chunks and written with
 * backpressure, so memory stays flat however many rows a demo has.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

const CHUNK = 64 * 1024;
const NEEDS_QUOTES = /[",\n\r]/;

export class CsvWriter {
  private readonly stream: WriteStream;
  private buffer = '';
  rows = 0;

  constructor(
    readonly file: string,
    header: readonly string[],
  ) {
    this.stream = createWriteStream(file);
    this.buffer = header.join(',') + '\n';
  }

  /** Add a row (values already formatted; null and undefined are empty). Await the result when it is a promise. */
  row(values: readonly (string | number | null | undefined)[]): Promise<void> | undefined {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i) line += ',';
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') line += v;
      else line += NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
    }
    this.buffer += line + '\n';
    this.rows++;
    return this.buffer.length >= CHUNK ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    const chunk = this.buffer;
    this.buffer = '';
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
