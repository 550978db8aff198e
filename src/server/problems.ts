/**
 * Errors as `application/problem+json` (RFC 9457): {type, title, status, code, detail, hint?},
 * with the stable codes the CLI gives (a UsageError's code, 400) and the server's own: not-found
 * (404), unauthorized (401), forbidden (403), a model's model-error (422), not-ready and
 * shutting-down (503), internal (500).
 */
import type { FastifyReply } from 'fastify';
import { ModelError } from '../models/errors.js';
import { RetainError, UsageError } from '../warehouse/errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  hint?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  501: 'Not implemented',
  503: 'Unavailable',
};

/** An error a route throws to answer with a status other than UsageError's 400. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** Headers the answer carries (Retry-After on a full queue). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function problem(status: number, code: string, detail: string, hint?: string): Problem {
  return { type: `urn:retain:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...(hint ? { hint } : {}) };
}

/** The problem an error thrown by a route or by Fastify becomes. */
export function problemOf(e: unknown): Problem {
  if (e instanceof HttpProblem) return problem(e.status, e.code, e.message, e.hint);
  if (e instanceof UsageError) return problem(400, e.code, e.message, e.hint);
  // Fastify's own (a body that is not JSON, too large): its status and code.
  const f = e as { statusCode?: number; code?: string; message?: string };
  if (f.statusCode === 413) return problem(413, 'payload-too-large', String(f.message), 'Send at most 5 MB a request: split the rows into smaller batches.');
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return problem(f.statusCode, String(f.code ?? 'bad-request').toLowerCase(), String(f.message));
  // A model that cannot be fitted on this data: the request is understood, the data cannot answer it.
  if (e instanceof ModelError) return problem(422, e.code, e.message, e.hint);
  if (e instanceof RetainError) return problem(500, e.code, e.message, e.hint);
  return problem(500, 'internal', 'The server failed to answer (a bug; the log has the request id).');
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}
