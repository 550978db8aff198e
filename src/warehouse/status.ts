/** Rows and quarantined rows per table, as `retain status --format json` and the API's /v1/status give them. */
import { quarantineCounts } from './import/quarantine.js';
import { TABLES } from './schema/tables.js';
import type { Warehouse } from './warehouse.js';

export interface WorkspaceStatus {
  workspace: string;
  tables: { table: string; rows: number; quarantined: number }[];
}

export async function workspaceStatus(wh: Warehouse): Promise<WorkspaceStatus> {
  const union = TABLES.map((t) => `SELECT ${wh.dialect.str(t.name)} AS table_name, count(*) AS n FROM ${wh.dialect.ident(t.name)}`).join(' UNION ALL ');
  const counts = await wh.query(union);
  const q = await quarantineCounts(wh);
  return { workspace: wh.location, tables: counts.map((r) => ({ table: String(r.table_name), rows: Number(r.n), quarantined: q[String(r.table_name)] ?? 0 })) };
}
