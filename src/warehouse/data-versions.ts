/**
 * Data versions: a number per canonical table (and one for the settings) that moves whenever
 * what a report could read from it changes, so a cached result can tell it is out of date by
 * comparing a few numbers instead of reading the data. An import, an ingest group and a
 * quarantine retry bump the table they stored rows into from storeChecked, in their own
 * transaction (a crash leaves rows and version as they were, together); undo bumps the table it
 * restored, a setting change 'settings'.
 *
 * `_data_versions` is append-only, as ClickHouse must have it (no updates): a bump appends the
 * name with a number above every one stored, and a name's version is its max(). The embedded
 * engine, which can delete, keeps only the latest row of a name so the table stays a few rows.
 * The versions are read from the engine, not held in memory, so a bump by another process (the
 * CLI importing into a ClickHouse workspace a server reads) is seen by the next request.
 */
import type { Warehouse } from './warehouse.js';

/** What a version counts changes of: a canonical table's name, or 'settings'. */
export type Versioned = string;

/** Each name's version (0: never bumped). */
export type DataVersions = Readonly<Record<string, number>>;

/**
 * Move the versions of these names. Call it where their rows change, inside that change's
 * transaction, after the writes (on an engine without transactions a reader that sees the new
 * number then also sees the rows).
 */
export async function bumpVersions(wh: Warehouse, names: readonly Versioned[]): Promise<void> {
  for (const name of new Set(names)) {
    await wh.exec(`INSERT INTO _data_versions (name, version) SELECT $1, coalesce(max(version), 0) + 1 FROM _data_versions`, [name]);
    if (wh.dialect.canDelete) await wh.exec(`DELETE FROM _data_versions WHERE name = $1 AND version < (SELECT max(version) FROM _data_versions WHERE name = $1)`, [name]);
  }
}

/**
 * The versions of these names, in one small query. It reads every name's (a row each, some
 * twenty) and picks: a statement without parameters costs the embedded engine a third of one
 * with them (1.6 ms against 5.4 ms), and a cached answer's cost is mostly such reads.
 */
export async function readVersions<N extends Versioned>(wh: Warehouse, names: readonly N[]): Promise<Record<N, number>> {
  const out = Object.fromEntries(names.map((n) => [n, 0])) as Record<N, number>;
  for (const r of await wh.query(`SELECT name, max(version) AS v FROM _data_versions GROUP BY name`)) {
    if (Object.hasOwn(out, String(r.name))) out[String(r.name) as N] = Number(r.v);
  }
  return out;
}
