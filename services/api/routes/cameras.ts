import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../server';

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
    { schema: { params: CameraParams } },
    async (req, reply) => {
      const jpeg = await ctx.latestFrame?.(req.params.id);
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
