/**
 * The import log: the imports a workspace has had, and undoing one. Every row an import stores
 * carries its id (`_import_id`), and every row its upserts replaced waits in the table's replaced-
 * rows table, so undo is exact: in one transaction it removes the rows the import stored, puts
 * back the rows it replaced (with the ids of the imports that had stored them), removes the
 * quarantine records it added (and an ingested batch's idempotency key), marks it undone and
 * bumps the table's data version. A crash before COMMIT leaves the import as it was.
 *
 * Undo refuses, rather than corrupt, when a later import has replaced rows this one stored (that
 * one is undone first), and on ClickHouse, which can neither delete nor write in a transaction.
 */
import { bumpVersions } from '../data-versions.js';
import { UsageError } from '../errors.js';
import { faultPoint } from '../fault.js';
import { IMPORT_ID, replacedTable, storedColumns, tableDef } from '../schema/tables.js';
import { noteTouchedSessions, refreshWebSessions } from '../derived/web-sessions.js';
import type { Row, Warehouse } from '../warehouse.js';
import type { StoreCounts } from './import.js';

/** An import as logged: its counts as its summary gave them, and when it ran and was undone. */
export interface LoggedImport extends StoreCounts {
  id: number;
  /** When it ran (UTC, `YYYY-MM-DD HH:MM:SS`). */
  at: string;
  table: string;
  file: string;
  format: string;
  /** insert or upsert; null for an import logged before imports could be undone. */
  mode: string | null;
  /** When it was undone (UTC), or null. */
  undoneAt: string | null;
}

export async function listImports(wh: Warehouse): Promise<LoggedImport[]> {
  const d = wh.dialect;
  const rows = await wh.query(`SELECT import_id, ${d.portableText('timestamp', 'started_at')} AS at, table_name, file, format, mode, ${d.ident('read')} AS r,
      accepted, updated, duplicates, quarantined, orphans, ${d.portableText('timestamp', 'undone_at')} AS undone_at
    FROM _imports ORDER BY import_id`);
  return rows.map(toLogged);
}

function toLogged(r: Row): LoggedImport {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    id: n(r.import_id),
    at: String(r.at),
    table: String(r.table_name),
    file: String(r.file),
    format: String(r.format),
    // '' on ClickHouse, NULL on DuckDB: a column added to an older workspace.
    mode: r.mode ? String(r.mode) : null,
    read: n(r.r),
    accepted: n(r.accepted),
    updated: n(r.updated),
    duplicates: n(r.duplicates),
    quarantined: n(r.quarantined),
    orphans: n(r.orphans),
    undoneAt: r.undone_at === null || r.undone_at === undefined ? null : String(r.undone_at),
  };
}

export interface UndoSummary {
  importId: number;
  table: string;
  /** Rows the import had stored, now removed. */
  removed: number;
  /** Rows its upserts had replaced, now back. */
  restored: number;
  /** Quarantine records it had added, now removed. */
  unquarantined: number;
}

/** Undo import `id` (see the file comment), or refuse with a UsageError saying why and what to do. */
export async function undoImport(wh: Warehouse, id: number): Promise<UndoSummary> {
  const d = wh.dialect;
  if (!Number.isSafeInteger(id)) throw new UsageError('bad-option', `An import id is a whole number; got ${id}.`);
  const imp = (await listImports(wh)).find((i) => i.id === id);
  const list = 'See retain imports for the list.';
  if (!imp) throw new UsageError('unknown-import', `There is no import ${id}.`, list);
  if (!d.canDelete) {
    throw new UsageError(
      'undo-not-supported',
      `Import ${id} cannot be undone on ClickHouse: undo removes and restores rows in one transaction, and ClickHouse has neither deletes nor transactions.`,
      `Correct the rows instead: import a corrected file with --mode upsert (a newer row replaces the stored one).`,
    );
  }
  if (imp.undoneAt) throw new UsageError('already-undone', `Import ${id} was undone already (at ${imp.undoneAt} UTC).`, list);
  if (imp.format === 'retry') {
    throw new UsageError('undo-not-supported', `Import ${id} is a quarantine retry, which cannot be undone: the records it accepted have left the quarantine.`, `Undo the import that brought the records instead. ${list}`);
  }
  if (!imp.mode) {
    throw new UsageError('undo-not-supported', `Import ${id} was made before imports could be undone: its rows do not carry its id.`, list);
  }
  const t = tableDef(imp.table);
  const tbl = d.ident(t.name);
  const replaced = d.ident(replacedTable(t));
  // Bound where a statement takes parameters; written in (a checked whole number) where the
  // session refresh builds its own statement around it.
  const mine = `${d.ident(IMPORT_ID)} = $1`;
  const later = await wh.query(`SELECT DISTINCT _replaced_by AS later_id FROM ${replaced} WHERE ${mine} ORDER BY later_id DESC`, [id]);
  if (later.length) {
    const ids = later.map((r) => Number(r.later_id));
    throw new UsageError(
      'undo-later-first',
      `Import ${ids.join(', import ')} has since replaced rows that import ${id} stored, so undoing ${id} alone would lose them.`,
      `Undo the later import first: retain imports undo ${ids[0]}.`,
    );
  }

  const cols = [...storedColumns(t), IMPORT_ID].map((c) => d.ident(c)).join(', ');
  return wh.transaction(async () => {
    const sessions = t.name === 'web_events';
    if (sessions) {
      const of = `${d.ident(IMPORT_ID)} = ${id}`;
      await noteTouchedSessions(wh, `SELECT session_id, visitor_id FROM ${tbl} WHERE ${of} UNION ALL SELECT session_id, visitor_id FROM ${replaced} WHERE _replaced_by = ${id}`);
    }
    const [n] = await wh.query(
      `SELECT (SELECT count(*) FROM ${tbl} WHERE ${mine}) AS removed, (SELECT count(*) FROM ${replaced} WHERE _replaced_by = $1) AS restored,
        (SELECT count(*) FROM _quarantine WHERE import_id = $1) AS unquarantined`,
      [id],
    );
    await wh.exec(`DELETE FROM ${tbl} WHERE ${mine}`, [id]);
    await wh.exec(`INSERT INTO ${tbl} (${cols}) SELECT ${cols} FROM ${replaced} WHERE _replaced_by = $1`, [id]);
    await wh.exec(`DELETE FROM ${replaced} WHERE _replaced_by = $1`, [id]);
    await wh.exec(`DELETE FROM _quarantine WHERE import_id = $1`, [id]);
    // An ingested batch's idempotency key goes with its rows: sent again, the batch is stored again.
    if (imp.format === 'ingest') await wh.exec(`DELETE FROM _ingest_keys WHERE import_id = $1`, [id]);
    await wh.exec(`UPDATE _imports SET undone_at = ${d.nowUtc()} WHERE import_id = $1`, [id]);
    if (sessions) await refreshWebSessions(wh, false);
    await bumpVersions(wh, [t.name]);
    faultPoint('kill-undo-before-commit');
    return { importId: id, table: t.name, removed: Number(n?.removed ?? 0), restored: Number(n?.restored ?? 0), unquarantined: Number(n?.unquarantined ?? 0) };
  });
}
