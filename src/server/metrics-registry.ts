/**
 * The server's own measurements, served by GET /metrics in the Prometheus text exposition format
 * (0.0.4): counters, gauges and histograms with labels, kept in this process, no dependency. Any
 * part of the server counts by importing its instrument: `cacheHits.inc()`.
 * Counters only go up (Prometheus takes a drop for a restart); a histogram's buckets are
 * cumulative, with +Inf, _sum and _count, as the format defines them.
 */

type Labels = Readonly<Record<string, string>>;

/** A label value as the format writes it: backslash, double quote and line feed escaped. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Labels) => {
  const pairs = Object.entries(labels);
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
};
/** The series of one label set: its labels in a fixed order, so one set is one key whatever order it is given in. */
const seriesKey = (names: readonly string[], labels: Labels) => JSON.stringify(names.map((n) => labels[n] ?? ''));
const labelsOf = (names: readonly string[], key: string): Labels => Object.fromEntries((JSON.parse(key) as string[]).map((v, i) => [names[i]!, v]));

interface Metric {
  readonly name: string;
  /** Its lines in the exposition format, HELP and TYPE first. */
  render(): string[];
}

const METRICS = new Map<string, Metric>();

function register<M extends Metric>(m: M): M {
  if (METRICS.has(m.name)) throw new Error(`metric ${m.name} is registered twice`);
  METRICS.set(m.name, m);
  return m;
}

const header = (name: string, help: string, type: string) => [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];

/** A value per label set that only goes up (or a gauge's, set to anything). */
class Series implements Metric {
  protected readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge',
    protected readonly labelNames: readonly string[],
  ) {}

  /** The value of one label set (0 before anything counted it). */
  get(labels: Labels = {}): number {
    return this.values.get(seriesKey(this.labelNames, labels)) ?? 0;
  }

  render(): string[] {
    // A metric without labels shows 0 before anything counts it, so a scrape always finds it.
    const entries = this.values.size || this.labelNames.length ? [...this.values] : [[seriesKey([], {}), 0] as const];
    return [...header(this.name, this.help, this.type), ...entries.map(([k, v]) => `${this.name}${labelText(labelsOf(this.labelNames, k))} ${v}`)];
  }
}

export class Counter extends Series {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'counter', labelNames);
  }

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot go down`);
    const k = seriesKey(this.labelNames, labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

export class Gauge extends Series {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }

  set(value: number, labels: Labels = {}): void {
    this.values.set(seriesKey(this.labelNames, labels), value);
  }
}

/** Seconds, by default from 5 ms to 10 s: an ingest answer waits up to 50 ms for its group. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
    private readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const k = seriesKey(this.labelNames, labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Each bucket counts the observations at or under its bound (cumulative, as the format has it).
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const [k, s] of this.series) {
      const labels = labelsOf(this.labelNames, k);
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${s.count}`, `${this.name}_sum${labelText(labels)} ${s.sum}`, `${this.name}_count${labelText(labels)} ${s.count}`);
    }
    return lines;
  }
}

export const counter = (name: string, help: string, labelNames?: readonly string[]) => register(new Counter(name, help, labelNames));
export const gauge = (name: string, help: string, labelNames?: readonly string[]) => register(new Gauge(name, help, labelNames));
export const histogram = (name: string, help: string, labelNames?: readonly string[], buckets?: readonly number[]) => register(new Histogram(name, help, labelNames, buckets));

/** Every registered metric in the text exposition format. */
export const renderMetrics = (): string => [...METRICS.values()].flatMap((m) => m.render()).join('\n') + '\n';

// The server's instruments.
export const httpRequests = counter('retain_http_requests_total', 'HTTP requests answered, by route, method and status.', ['route', 'method', 'status']);
export const httpDuration = histogram('retain_http_request_duration_seconds', 'Time from a request received to its answer sent, by route and method.', ['route', 'method']);
export const ingestRows = counter('retain_ingest_rows_total', 'Ingested rows by outcome: accepted (stored), duplicate (key already stored or earlier in the batch), rejected; replays count nothing.', ['outcome']);
export const ingestQueueRows = gauge('retain_ingest_queue_rows', 'Rows waiting in the ingest queue or being committed.');
export const cacheHits = counter('retain_cache_hits_total', 'Results served from the result cache.');
export const cacheMisses = counter('retain_cache_misses_total', 'Results the result cache did not have, computed.');
