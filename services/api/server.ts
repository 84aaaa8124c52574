import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { VigilError } from '../core/errors';
import type { Logger } from '../core/logger';
import { TokenVerifier, authHook, isConsoleFile, warnLegacyTokens } from './auth';
import { parseJsonBody } from './json-body';
import type { ApiContext, ApiServer } from './api-context';
import { errorHandler } from './errors';
import { documentRoute } from './openapi';
import { registerHealthRoutes } from './routes/health';
import { registerCameraRoutes } from './routes/cameras';
import { registerAddCameraRoutes } from './routes/add-camera';
import { registerConfigRoutes } from './routes/config';
import { registerAlertRoutes } from './routes/alerts';
import { registerDiscoveryRoutes } from './routes/discovery';
import { registerClerkRoutes } from './routes/clerk';
import { registerClipRoutes } from './routes/clips';
import { registerTuneRoutes } from './routes/tune';
import { registerEventRoutes } from './routes/events';
import { registerConsoleRoutes } from './routes/console';
import { registerPushRoutes } from './routes/push';

export interface ApiTls {
  certFile: string;
  keyFile: string;
}

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
    registerAddCameraRoutes(s, ctx);
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
