import Fastify, { LogController } from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '../core/logger';
import type { CameraStatus } from '../camera/camera-pipeline';
import { registerHealthRoutes } from './routes/health';
import { registerCameraRoutes } from './routes/cameras';

/** What the API reads from the running daemon. */
export interface ApiContext {
  cameras(): CameraStatus[];
  backend(): { name: string; skipped: { name: string; reason: string }[] };
  mqttConnected(): boolean;
  startedAt: string;
  version: string;
}

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export function buildApi(ctx: ApiContext, log: Logger): ApiServer {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerHealthRoutes(app, ctx);
  registerCameraRoutes(app, ctx);
  return app;
}
