/**
 * Tables a report computes once and several of its metrics read, dropped when it ends: the
 * per-customer purchase summary that RFM and predictive CLV both start from (grouping every order
 * by customer and day is the dearest step of either: 2–3 s of each at ten million orders). Where
 * the engine keeps no temporary tables (no dialect.temporaryTable), or --where filters the
 * customers, each metric computes its own.
 */
import { randomBytes } from 'node:crypto';
import { binder, custSql, summaryKey, type SummaryRequest, type SummaryTable } from '../models/queries.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Scope } from './scope.js';

export class ReportTables {
  readonly #made = new Map<string, Promise<SummaryTable>>();

  constructor(private readonly wh: Warehouse) {}

  /** A table of custSql's rows for `r`, every customer, made on the first ask; undefined where it cannot be shared. */
  summary(s: Scope, r: SummaryRequest): Promise<SummaryTable | undefined> {
    const d = this.wh.dialect;
    if (!d.temporaryTable || s.keep('o.customer_id') !== d.alwaysTrue) return Promise.resolve(undefined);
    const key = summaryKey(r);
    let made = this.#made.get(key);
    if (!made) {
      const name = `_report_${randomBytes(6).toString('hex')}`;
      const q = binder();
      made = this.wh.exec(d.temporaryTable(name, custSql(d, q, { ...r, table: undefined })), q.params).then(() => ({ name, key }));
      this.#made.set(key, made);
    }
    return made;
  }

  /** Drop every table made; a failed drop does not hide the error that ended the report. */
  async drop(): Promise<void> {
    const made = [...this.#made.values()];
    this.#made.clear();
    for (const table of made) {
      const t = await table.catch(() => undefined);
      if (t) await this.wh.exec(`DROP TABLE IF EXISTS ${this.wh.dialect.ident(t.name)}`).catch(() => undefined);
    }
  }
}
