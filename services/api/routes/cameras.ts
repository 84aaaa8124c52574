import type { ApiContext, ApiServer } from '../server';

export function registerCameraRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get('/api/cameras', async () => {
    const backend = ctx.backend();
    return {
      backend: backend.name,
      backendSkipped: backend.skipped,
      cameras: ctx.cameras().map((c) => ({ ...c, backend: backend.name })),
    };
  });
}
