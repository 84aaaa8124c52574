import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import { ZoneSchema } from '../../config/schema';
import type { Committed, ConfigStore, Version } from '../../config/config-store';
import { redactConfig, restoreRedacted } from '../../config/redact';
import type { ApiContext, ApiServer } from '../api-context';
import { hasRole } from '../auth';
import { CameraParams } from './cameras';

/** `?dryRun=true`: validate and report the change, save nothing (every config-changing route). */
export const DryRun = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], {
        description: 'true: validate and report what would change, save nothing.',
      }),
    ),
  },
  { additionalProperties: false },
);
const ZonesBody = Type.Object(
  { zones: Type.Array(ZoneSchema, { maxItems: 64 }) },
  { additionalProperties: false },
);

export function store(ctx: ApiContext): ConfigStore {
  if (!ctx.configStore)
    throw new VigilError(
      'VIGIL_ERR_NOT_FOUND',
      'this daemon was started without a config file; nothing to change',
    );
  return ctx.configStore;
}

/** Sends a change's answer: the ETag the file has now (unchanged by a dry run) and what changed. */
export function answer(
  reply: { header(k: string, v: string): unknown },
  r: Committed,
  dryRun: boolean,
) {
  reply.header('ETag', r.etag);
  return { dryRun, etag: r.etag, change: r.change };
}

/**
 * Config over REST: read it (secrets redacted, ETag), replace it, replace one camera's zones, roll
 * back. Every change is validated like the file, needs If-Match, and is applied live to the
 * cameras it touches.
 */
export function registerConfigRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/api/config', async (req, reply) => {
    const v = store(ctx).latest;
    reply.header('ETag', v.etag);
    // Hashes and key paths are for admins (who round-trip the file); passwords for nobody.
    const who = hasRole(req.principal, 'admin') ? 'admin' : 'reader';
    return { etag: v.etag, config: redactConfig(v.raw, who) };
  });

  app.put(
    '/api/config',
    {
      config: { role: 'admin' },
      schema: { querystring: DryRun, body: Type.Object({}, { additionalProperties: true }) },
    },
    async (req, reply) => {
      const body = req.body as Record<string, unknown>;
      const dryRun = req.query.dryRun === 'true';
      const plan = (cur: Version) => restoreRedacted(body, cur.raw);
      const r = await store(ctx).change(plan, req.headers['if-match'], dryRun, ctx.applyConfig);
      return answer(reply, r, dryRun);
    },
  );

  app.put(
    '/api/cameras/:id/zones',
    {
      config: { role: 'admin' },
      schema: { params: CameraParams, querystring: DryRun, body: ZonesBody },
    },
    async (req, reply) => {
      const plan = (cur: Version) => {
        const raw = structuredClone(cur.raw) as { cameras?: { id: string; zones?: unknown }[] };
        const cam = raw.cameras?.find((c) => c.id === req.params.id);
        if (!cam) throw new VigilError('VIGIL_ERR_NOT_FOUND', `no camera ${req.params.id}`);
        cam.zones = req.body.zones;
        return raw;
      };
      const dryRun = req.query.dryRun === 'true';
      const r = await store(ctx).change(plan, req.headers['if-match'], dryRun, ctx.applyConfig);
      return answer(reply, r, dryRun);
    },
  );

  app.post('/api/config/rollback', { config: { role: 'admin' } }, async (req, reply) =>
    answer(reply, await store(ctx).rollback(req.headers['if-match'], ctx.applyConfig), false),
  );
}
