import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';

export const CameraParams = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }) },
  { additionalProperties: false },
);

export function registerCameraRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/api/cameras', async () => {
    const backend = ctx.backend();
    return {
      backend: backend.name,
      backendSkipped: backend.skipped,
      cameras: ctx.cameras().map((c) => ({ ...c, backend: backend.name })),
    };
  });

  app.get(
    '/api/cameras/:id/frame.jpg',
    {
      schema: {
        summary:
          'The latest analysed frame with tracks and zones drawn (zones=false: without zones)',
        params: CameraParams,
        querystring: Type.Object(
          { zones: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const jpeg = await ctx.latestFrame?.(req.params.id, req.query.zones !== 'false');
      if (!jpeg)
        throw new VigilError(
          'VIGIL_ERR_NOT_FOUND',
          `no analysed frame of camera ${req.params.id} yet`,
        );
      return reply.type('image/jpeg').send(jpeg);
    },
  );

  app.get('/metrics', async (_req, reply) => {
    if (!ctx.metrics) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'metrics are not enabled');
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
