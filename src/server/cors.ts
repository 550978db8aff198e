/**
 * CORS: closed unless a workspace's `allowed_origins` setting names the calling page's origin.
 * Allowed pages call with an API key; cookies never cross origins (no Allow-Credentials), so a
 * signed-in session is not reachable from another site even when its origin is allowed.
 */
import { getSettings } from '../warehouse/schema/settings.js';
import type { Workspaces } from './workspaces.js';

const WORKSPACE_URL = /^\/v1\/workspaces\/([^/?]+)\//;

export async function corsHeaders(server: Workspaces, url: string, origin: string | undefined): Promise<Record<string, string>> {
  const name = origin ? WORKSPACE_URL.exec(url)?.[1] : undefined;
  const w = name ? server.get(decodeURIComponent(name)) : undefined;
  if (!w) return {};
  const allowed = (await getSettings(w.wh)).allowed_origins.split(',').map((o) => o.trim());
  if (!allowed.includes(origin!)) return {};
  return {
    'access-control-allow-origin': origin!,
    vary: 'Origin',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE',
    'access-control-allow-headers': 'authorization, content-type, idempotency-key',
    'access-control-expose-headers': 'x-request-id, idempotent-replayed, retry-after',
    'access-control-max-age': '600',
  };
}
