import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../core/errors';
import { sameSecret, sha256Hex } from '../core/hashing';

/** viewer reads; clerk also answers alerts (ack, snooze, verdict); admin also changes config. */
export type Role = 'viewer' | 'clerk' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, clerk: 1, admin: 2 };

export interface ApiToken {
  name: string;
  role: Role;
  sha256: string;
}

/** Routes anyone may call (health checks; the console's page and the OpenAPI document hold no data). */
const PUBLIC = new Set(['/healthz', '/', '/api/openapi.json']);
/** The console's static files (services/api/routes/console.ts). */
const PUBLIC_CONSOLE = '/console/';
/** The API documentation UI and the spec it loads (the API's shape is not a secret). */
const PUBLIC_PREFIX = '/docs';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: { name: string; role: Role };
  }
  interface FastifyContextConfig {
    /** Minimum role for the route; viewer when absent. */
    role?: Role;
  }
}

/** Finds the token whose sha256 matches, comparing in constant time. */
export function authenticate(
  header: string | undefined,
  tokens: readonly ApiToken[],
): ApiToken | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const digest = sha256Hex(m[1]!);
  return tokens.find((t) => sameSecret(t.sha256, digest));
}

/** onRequest hook: every route but the public ones needs a bearer token of the route's role. */
export function authHook(tokens: () => readonly ApiToken[]) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const url = req.url.split('?')[0]!;
    if (
      PUBLIC.has(url) ||
      url === PUBLIC_PREFIX ||
      url.startsWith(`${PUBLIC_PREFIX}/`) ||
      url.startsWith(PUBLIC_CONSOLE)
    )
      return;
    const token = authenticate(req.headers.authorization, tokens());
    if (!token)
      throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'send Authorization: Bearer <token>');
    req.principal = { name: token.name, role: token.role };
    const need = req.routeOptions.config?.role ?? 'viewer';
    if (RANK[token.role] < RANK[need])
      throw new VigilError(
        'VIGIL_ERR_FORBIDDEN',
        `token "${token.name}" is a ${token.role}; this needs ${need}`,
      );
  };
}
