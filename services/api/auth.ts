import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../core/errors';

export type Role = 'viewer' | 'admin';

export interface ApiToken {
  name: string;
  role: Role;
  sha256: string;
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Routes anyone may call (container health checks). */
const PUBLIC = new Set(['/healthz']);
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
  const digest = Buffer.from(sha256Hex(m[1]!), 'hex');
  return tokens.find((t) => timingSafeEqual(Buffer.from(t.sha256, 'hex'), digest));
}

/** onRequest hook: every route but /healthz needs a bearer token; writes need `admin`. */
export function authHook(tokens: () => readonly ApiToken[]) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const url = req.url.split('?')[0]!;
    if (PUBLIC.has(url) || url === PUBLIC_PREFIX || url.startsWith(`${PUBLIC_PREFIX}/`)) return;
    const token = authenticate(req.headers.authorization, tokens());
    if (!token)
      throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'send Authorization: Bearer <token>');
    req.principal = { name: token.name, role: token.role };
    const need = req.routeOptions.config?.role ?? 'viewer';
    if (need === 'admin' && token.role !== 'admin')
      throw new VigilError(
        'VIGIL_ERR_FORBIDDEN',
        `token "${token.name}" is a viewer; this needs admin`,
      );
  };
}
