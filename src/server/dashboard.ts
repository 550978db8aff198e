/**
 * The dashboard's files (web/, built into dist/web by npm install): its pages' paths answer
 * index.html, where the app reads the URL; /assets/… are the hashed bundles, cached for a year.
 * They hold no data — every number comes from the API behind its permissions — so they are
 * public. The page may load only its own scripts, styles and API (a CSP of 'self').
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from './problems.js';

export const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
/** The paths the app draws itself (see web/src/main.tsx). */
export const PAGES = ['/', '/login', '/setup', '/w/*'] as const;

export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json' };

export function registerDashboard(app: FastifyInstance, root = WEB_ROOT): void {
  const index = join(root, 'index.html');
  for (const url of PAGES) {
    app.get(url, (_request, reply) => {
      if (!existsSync(index)) return sendProblem(reply, problem(503, 'dashboard-not-built', 'The dashboard is not built.', 'Run npm run build (npm install does it), then restart retain serve; the API under /v1 works without it.'));
      return reply.headers({ 'content-security-policy': PAGE_CSP, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(readFileSync(index));
    });
  }
  app.get('/assets/*', (request, reply) => {
    const rel = normalize((request.params as { '*': string })['*']);
    const file = join(root, 'assets', rel);
    // normalize() keeps no '..' inside the folder; a path that climbs out of it is not a file of ours.
    if (rel.startsWith('..') || !file.startsWith(join(root, 'assets')) || !existsSync(file) || !TYPES[extname(file)]) {
      return sendProblem(reply, problem(404, 'not-found', `No file ${request.url}.`));
    }
    return reply.headers({ 'content-security-policy': PAGE_CSP, 'cache-control': 'public, max-age=31536000, immutable' }).type(TYPES[extname(file)]!).send(readFileSync(file));
  });
}
