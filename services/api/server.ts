import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import type { FastifyRequest } from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CameraStatus } from '../core/camera-status';
import type { AlertService } from '../alerts/alert-service';
import type { AlertHistory } from '../alerts/alert-history';
import type { OutboxHealth } from '../alerts/outbox';
import type { ConfigChange, ConfigStore, Version } from '../config/config-store';
import type { Metrics } from '../metrics/metrics';
import { TokenVerifier, authHook, isConsoleFile, warnLegacyTokens } from './auth';
import { parseJsonBody } from './json-body';
import type { ApiToken } from './auth';
import { errorHandler } from './errors';
import { documentRoute } from './openapi';
import { registerHealthRoutes } from './routes/health';
import { registerCameraRoutes } from './routes/cameras';
import { registerConfigRoutes } from './routes/config';
import { registerAlertRoutes } from './routes/alerts';
import { registerDiscoveryRoutes } from './routes/discovery';
import { registerClerkRoutes } from './routes/clerk';
import { registerClipRoutes } from './routes/clips';
import { registerTuneRoutes } from './routes/tune';
import type { TuneReport } from '../analysis/tune';
import type { ClipAccess } from './routes/clips';
import { registerEventRoutes } from './routes/events';
import { registerConsoleRoutes } from './routes/console';
import { registerPushRoutes } from './routes/push';
import type { PushService } from '../push/push-service';
import type { AnswerTimes } from '../alerts/answer-times';

/** What the API reads from and asks of the running daemon. */
export interface ApiContext {
  cameras(): CameraStatus[];
  backend(): { name: string; skipped: { name: string; reason: string }[] };
  mqttConnected(): boolean;
  /** The outbox's disk and delivery state (/readyz). */
  outbox?(): OutboxHealth | undefined;
  startedAt: string;
  version: string;
  tokens(): readonly ApiToken[];
  rateLimitPerMinute?: number;
  configStore?: ConfigStore;
  /** Applies a saved config to the running daemon: only the cameras that changed notice. */
  applyConfig?(v: Version, change: ConfigChange): Promise<void>;
  history?: AlertHistory;
  /** The snoozes in force, and their cancellation (audited, published on vigil/<camera>/snoozes). */
  snoozes?: Pick<AlertService, 'snoozes' | 'cancelSnooze'>;
  /** Clerk answers (ack, snooze, verdict), the live channel and the verdict counts. */
  clerk?: Pick<AlertService, 'answer' | 'live' | 'feedback' | 'store'>;
  dataDir?: string;
  /** The latest analysed frame of a camera with tracks and zones drawn, as JPEG. */
  latestFrame?(camera: string, withZones?: boolean): Promise<Buffer | undefined>;
  metrics?: Metrics;
  /** npm run tune as a call: the recordings since `sinceMs` under the current and a candidate config. */
  tune?(candidate: unknown, sinceMs: number): Promise<TuneReport>;
  /** Event clips and the audit of their downloads. */
  clips?: ClipAccess;
  /** Web Push devices per login, and the time to first answer. */
  push?: PushService;
  answerTimes?: AnswerTimes;
}

export interface ApiTls {
  certFile: string;
  keyFile: string;
}

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The console's page and files may be asked this many times more often than the API. */
const CONSOLE_FILES_FACTOR = 10;

/** A request body must arrive within this (a Content-Length longer than the body sent). */
const BODY_DEADLINE_MS = 10_000;

/**
 * Answers 408 VIGIL_ERR_REQUEST_INVALID and closes the connection when a request's body has not
 * arrived within `ms` (Node's own request timeout does not apply once a request is being read).
 * The clock stops once the body is parsed: a slow handler (ONVIF discovery) is not cut.
 */
function bodyDeadline(app: ApiServer, ms: number): void {
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  app.addHook('onRequest', (req, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent) return;
      void reply
        .code(408)
        .header('connection', 'close')
        .send({
          code: 'VIGIL_ERR_REQUEST_INVALID',
          message: `the request body did not arrive within ${ms / 1000} s`,
        });
      reply.raw.once('finish', () => req.raw.socket.destroy());
    }, ms);
    timer.unref();
    timers.set(req, timer);
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    clearTimeout(timers.get(req));
    done();
  });
}

function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    code: 'VIGIL_ERR_REQUEST_INVALID',
    message: tooLarge
      ? 'request headers too large'
      : `malformed HTTP request (${err.code ?? 'parse error'})`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function buildApi(ctx: ApiContext, log: Logger, tls?: ApiTls): ApiServer {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    // Requests Node's HTTP parser refuses (bad Content-Length, oversized headers, garbage) are
    // answered with a Vigil code too, then the connection is closed.
    clientErrorHandler: clientError,
    // Router errors (an over-long id, a malformed URL) go through the same error handler.
    frameworkErrors: (err, req, reply) => errorHandler(log)(err, req, reply),
    // A request without Host is handled like any other (Node would answer it with a bare 400).
    http: { requireHostHeader: false },
    // Unknown keys are errors, not silently dropped; types are not coerced.
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        allErrors: true,
        keywords: ['enumValues'],
      },
    },
    ...(tls?.certFile
      ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } }
      : {}),
  }) as unknown as ApiServer;
  // JSON only: any other body is 415, not parsed as text. JSON nesting is bounded.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler(errorHandler(log));
  app.setNotFoundHandler((req) => {
    throw new VigilError('VIGIL_ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
  });
  void app.register(swagger, {
    openapi: {
      info: { title: 'Vigil API', version: ctx.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  const verifier = new TokenVerifier(ctx.tokens);
  warnLegacyTokens(ctx.tokens(), log);
  const max = ctx.rateLimitPerMinute ?? 600;
  // The limiter runs before authentication, so bad-token floods are limited too: by address,
  // unless the header names a configured login (then by its name, so one busy login or a flood
  // from a shared address does not starve the others). The console's page and files have a limit of their
  // own, so an API flood from an address never locks its users out of the console.
  void app.register(rateLimit, { global: false, max, timeWindow: 60_000 });
  void app.after(() => {
    bodyDeadline(app, BODY_DEADLINE_MS);
    app.addHook(
      'onRequest',
      app.rateLimit({
        keyGenerator: (req) => {
          const login = verifier.claimed(req.headers.authorization);
          return login ? `login:${login.name}` : `address:${req.ip}`;
        },
        allowList: (req) => req.url === '/healthz' || isConsoleFile(req.url),
      }),
    );
    app.addHook(
      'onRequest',
      app.rateLimit({
        max: max * CONSOLE_FILES_FACTOR,
        allowList: (req) => !isConsoleFile(req.url),
      }),
    );
    app.addHook('onRequest', authHook(verifier));
  });
  app.addHook('onRoute', documentRoute);
  void app.register(async (scope) => {
    const s = scope as unknown as ApiServer;
    registerConsoleRoutes(s);
    registerHealthRoutes(s, ctx);
    registerCameraRoutes(s, ctx);
    registerConfigRoutes(s, ctx);
    registerAlertRoutes(s, ctx);
    registerDiscoveryRoutes(s, ctx);
    registerClerkRoutes(s, ctx);
    registerClipRoutes(s, ctx);
    registerTuneRoutes(s, ctx);
    registerEventRoutes(s, ctx);
    registerPushRoutes(s, ctx);
    // Public like /docs/json: the API's shape is not a secret.
    s.get('/api/openapi.json', { schema: { hide: true } }, async () => s.swagger());
  });
  return app;
}
