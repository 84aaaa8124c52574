import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { sameSecret, scryptHash, sha256Hex, verifyScryptAsync } from '../core/hashing';

/** viewer reads; clerk also answers alerts (ack, snooze, verdict); admin also changes config. */
export type Role = 'viewer' | 'clerk' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, clerk: 1, admin: 2 };

/**
 * A stored API token: `id` and `scrypt` (salted, slow) for tokens `vgl_<id>_<secret>`, or the
 * legacy `sha256` (hex, unsalted) of older configs, still accepted with a warning at startup.
 */
export interface ApiToken {
  name: string;
  role: Role;
  id?: string;
  scrypt?: string;
  sha256?: string;
}

/** `vgl_<id>_<secret>`: the id finds the one stored hash to check. */
const TOKEN_FORMAT = /^vgl_([a-z0-9]{3,32})_([A-Za-z0-9_-]{1,256})$/;
export const TOKEN_ID_PATTERN = '^[a-z0-9]{3,32}$';

/** A new random token (`vgl_<12 hex>_<32 base64url>`) and what the config stores of it. */
export function newApiToken(): { token: string; id: string; scrypt: string } {
  const id = randomBytes(6).toString('hex');
  const token = `vgl_${id}_${randomBytes(24).toString('base64url')}`;
  return { token, id, scrypt: scryptHash(token) };
}

/** Verified tokens remembered (by their sha256) at most: each a few hundred bytes. */
const CACHE_MAX = 1024;

/**
 * Who a bearer token is. A request costs at most one scrypt: the token's id picks the one stored
 * hash to check (a bad token never makes the server try every stored token). A token once
 * verified is remembered by its sha256 (bounded, oldest first out), so its next requests cost a
 * hash and a lookup; the memory holds no token, and a token removed from the config stops working
 * at once (a remembered one must still match a configured id and hash).
 */
export class TokenVerifier {
  private readonly verified = new Map<string, { id: string; scrypt: string }>();
  private readonly pending = new Map<string, Promise<ApiToken | undefined>>();

  constructor(
    private readonly tokens: () => readonly ApiToken[],
    private readonly cacheMax = CACHE_MAX,
    private readonly checkScrypt: (
      secret: string,
      stored: string,
    ) => Promise<boolean> = verifyScryptAsync,
  ) {}

  /**
   * The login a header claims, without any slow hash: a token verified before, a legacy sha256
   * one, or the stored token whose id it names (not verified yet: for rate limiting only, so a
   * login has its own budget, and guesses at one id cost scrypts at that login's rate at most).
   */
  claimed(header: string | undefined): ApiToken | undefined {
    const token = bearer(header);
    if (token === undefined) return undefined;
    const digest = sha256Hex(token);
    const known = this.remembered(digest) ?? this.legacy(digest);
    if (known) return known;
    const id = TOKEN_FORMAT.exec(token)?.[1];
    return id === undefined ? undefined : this.tokens().find((t) => t.id === id && t.scrypt);
  }

  async verify(header: string | undefined): Promise<ApiToken | undefined> {
    const token = bearer(header);
    if (token === undefined) return undefined;
    const digest = sha256Hex(token);
    const known = this.remembered(digest) ?? this.legacy(digest);
    if (known) return known;
    const m = TOKEN_FORMAT.exec(token);
    const stored = m ? this.tokens().find((t) => t.id === m[1] && t.scrypt) : undefined;
    if (!stored) return undefined;
    // The same new token on several requests at once: one scrypt for all of them.
    let check = this.pending.get(digest);
    if (!check) {
      check = this.checkScrypt(token, stored.scrypt!).then((ok) => {
        this.pending.delete(digest);
        if (!ok) return undefined;
        this.remember(digest, stored);
        return stored;
      });
      this.pending.set(digest, check);
    }
    return check;
  }

  private remembered(digest: string): ApiToken | undefined {
    const hit = this.verified.get(digest);
    if (!hit) return undefined;
    const t = this.tokens().find((x) => x.id === hit.id && x.scrypt === hit.scrypt);
    if (!t) this.verified.delete(digest);
    return t;
  }

  private legacy(digest: string): ApiToken | undefined {
    return this.tokens().find((t) => t.sha256 !== undefined && sameSecret(t.sha256, digest));
  }

  private remember(digest: string, t: ApiToken): void {
    if (this.verified.size >= this.cacheMax)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(digest, { id: t.id!, scrypt: t.scrypt! });
  }
}

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** At startup: tokens still in the unsalted sha256 form are named, with how to replace them. */
export function warnLegacyTokens(tokens: readonly ApiToken[], log: Logger): void {
  const legacy = tokens.filter((t) => t.sha256 !== undefined).map((t) => t.name);
  if (legacy.length > 0)
    log.warn(
      { tokens: legacy },
      'api.tokens in the legacy sha256 form (unsalted): make new ones with `npm run token -- <role> <name>` and remove these',
    );
}

/** Routes anyone may call (health checks; the console's page and the OpenAPI document hold no data). */
const PUBLIC = new Set(['/healthz', '/', '/api/openapi.json']);
/** The console's static files (services/api/routes/console.ts). */
const PUBLIC_CONSOLE = '/console/';
/** The API documentation UI and the spec it loads (the API's shape is not a secret). */
const PUBLIC_PREFIX = '/docs';

/** Whether a path needs no token: health, the console's page and files, the API docs. */
export function isPublic(url: string): boolean {
  const p = url.split('?')[0]!;
  return (
    PUBLIC.has(p) ||
    p === PUBLIC_PREFIX ||
    p.startsWith(`${PUBLIC_PREFIX}/`) ||
    p.startsWith(PUBLIC_CONSOLE)
  );
}

/** Whether a path is the console's page or one of its static files. */
export function isConsoleFile(url: string): boolean {
  const p = url.split('?')[0]!;
  return p === '/' || p.startsWith(PUBLIC_CONSOLE);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: { name: string; role: Role };
  }
  interface FastifyContextConfig {
    /** Minimum role for the route; viewer when absent. */
    role?: Role;
  }
}

/** Whether a principal has at least `role`. */
export function hasRole(principal: { role: Role } | undefined, role: Role): boolean {
  return principal !== undefined && RANK[principal.role] >= RANK[role];
}

/** onRequest hook: every route but the public ones needs a bearer token of the route's role. */
export function authHook(verifier: TokenVerifier) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (isPublic(req.url)) return;
    const token = await verifier.verify(req.headers.authorization);
    if (!token)
      throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'send Authorization: Bearer <token>');
    req.principal = { name: token.name, role: token.role };
    const need = req.routeOptions.config?.role ?? 'viewer';
    if (!hasRole(token, need))
      throw new VigilError(
        'VIGIL_ERR_FORBIDDEN',
        `token "${token.name}" is a ${token.role}; this needs ${need}`,
      );
  };
}
