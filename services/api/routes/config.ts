import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import { ZoneSchema } from '../../config/schema';
import type { ConfigChange, ConfigStore, Version } from '../../config/config-store';
import { redactConfig, restoreRedacted } from '../../config/redact';
import type { ApiContext, ApiServer } from '../server';
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

export async function answer(
  ctx: ApiContext,
  reply: { header(k: string, v: string): unknown },
  r: { version: Version; change: ConfigChange },
  dryRun: boolean,
) {
  if (!dryRun) await ctx.applyConfig?.(r.version, r.change);
  reply.header('ETag', dryRun ? store(ctx).etag : r.version.etag);
  return { dryRun, etag: dryRun ? store(ctx).etag : r.version.etag, change: r.change };
}

/**
 * Config over REST: read it (secrets redacted, ETag), replace it, replace one camera's zones, roll
 * back. Every change is validated like the file, needs If-Match, and is applied live to the
 * cameras it touches.
 */
export function registerConfigRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/api/config', async (_req, reply) => {
    const v = store(ctx).latest;
    reply.header('ETag', v.etag);
    return { etag: v.etag, config: redactConfig(v.raw) };
  });

  app.put(
    '/api/config',
    {
      config: { role: 'admin' },
      schema: { querystring: DryRun, body: Type.Object({}, { additionalProperties: true }) },
    },
    async (req, reply) => {
      const s = store(ctx);
      const raw = restoreRedacted(req.body as Record<string, unknown>, s.latest.raw);
      const dryRun = req.query.dryRun === 'true';
      return answer(ctx, reply, s.replace(raw, req.headers['if-match'], dryRun), dryRun);
    },
  );

  app.put(
    '/api/cameras/:id/zones',
    {
      config: { role: 'admin' },
      schema: { params: CameraParams, querystring: DryRun, body: ZonesBody },
    },
    async (req, reply) => {
      const s = store(ctx);
      const raw = structuredClone(s.latest.raw) as { cameras?: { id: string; zones?: unknown }[] };
      const cam = raw.cameras?.find((c) => c.id === req.params.id);
      if (!cam) throw new VigilError('VIGIL_ERR_NOT_FOUND', `no camera ${req.params.id}`);
      cam.zones = req.body.zones;
      const dryRun = req.query.dryRun === 'true';
      return answer(ctx, reply, s.replace(raw, req.headers['if-match'], dryRun), dryRun);
    },
  );

  app.post('/api/config/rollback', { config: { role: 'admin' } }, async (req, reply) =>
    answer(ctx, reply, store(ctx).rollback(req.headers['if-match']), false),
  );
}
