/**
 * Who may call a route. Every route declares a permission; a key's kind grants some of them:
 * read keys the read routes, ingest keys the ingest routes and nothing else, admin keys all.
 * 'analyst' is for the roles that come with users (a read key is not enough for it).
 */
import type { FastifyRequest } from 'fastify';
import { lookupApiKey, type KeyKind } from '../warehouse/api-keys.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { HttpProblem } from './problems.js';

export const PERMISSIONS = ['public', 'read', 'analyst', 'admin', 'ingest'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const GRANTS: Record<KeyKind, readonly Permission[]> = {
  read: ['public', 'read'],
  ingest: ['public', 'ingest'],
  admin: ['public', 'read', 'analyst', 'admin', 'ingest'],
};

/** Refuse the request unless it presents a live key whose kind grants the permission. */
export async function authorize(wh: Warehouse, request: FastifyRequest, permission: Permission): Promise<void> {
  if (permission === 'public') return;
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const hint = 'Send an API key as "Authorization: Bearer rk_…" (retain keys create --kind read makes one).';
  if (!m) throw new HttpProblem(401, 'unauthorized', 'This route needs an API key.', hint);
  const key = await lookupApiKey(wh, m[1]!);
  if (key === null) throw new HttpProblem(401, 'unauthorized', 'The API key is not known in this workspace.', hint);
  if (key === 'revoked') throw new HttpProblem(401, 'unauthorized', 'The API key was revoked.', 'Ask for a new key (retain keys create).');
  if (!GRANTS[key.kind].includes(permission)) {
    throw new HttpProblem(403, 'forbidden', `A ${key.kind} key may not call this route (it needs ${permission}).`, permission === 'ingest' ? 'Use an ingest or admin key.' : 'Use an admin key, or a read key for the read routes.');
  }
}
