import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import type { ApiContext, ApiServer } from '../api-context';
import { AlertParams } from './alerts';

const Subscription = Type.Object(
  {
    endpoint: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: "PushSubscription.endpoint: a push service's https URL (push.endpointHosts).",
    }),
    keys: Type.Object(
      {
        p256dh: Type.String({ pattern: '^[A-Za-z0-9_-]{80,100}={0,2}$' }),
        auth: Type.String({ pattern: '^[A-Za-z0-9_-]{16,32}={0,2}$' }),
      },
      { additionalProperties: false },
    ),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    device: Type.Optional(Type.String({ maxLength: 200, description: 'A name for the device.' })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{16}$' }) },
  { additionalProperties: false },
);

function push(ctx: ApiContext) {
  if (!ctx.push) throw new VigilError('VIGIL_ERR_NOT_FOUND', 'push is off in this daemon');
  return ctx.push;
}

const unpad = (s: string) => s.replace(/=+$/, '');

/** Web Push: the VAPID key, and the devices of the calling login. */
export function registerPushRoutes(app: ApiServer, ctx: ApiContext): void {
  app.get(
    '/api/push/vapid-public-key',
    { schema: { summary: "The daemon's VAPID public key (applicationServerKey), base64url" } },
    async () => ({ publicKey: push(ctx).publicKey }),
  );

  app.get(
    '/api/push/subscriptions',
    { schema: { summary: 'The devices of this login that get notifications' } },
    async (req) => ({
      subscriptions: push(ctx)
        .devices(req.principal?.name ?? '')
        .map((s) => ({
          id: s.id,
          origin: new URL(s.endpoint).origin,
          createdAt: s.createdAt,
          device: s.device,
        })),
    }),
  );

  app.post(
    '/api/push/subscriptions',
    {
      schema: {
        summary:
          "Turn notifications on for this device: its PushSubscription (toJSON()), stored against this token's login",
        body: Subscription,
        response: {
          201: Type.Object(
            { id: Type.String(), createdAt: Type.String({ format: 'date-time' }) },
            { description: 'The device is registered.' },
          ),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const sub = push(ctx).subscribe(req.principal?.name ?? '', {
        endpoint: b.endpoint,
        keys: { p256dh: unpad(b.keys.p256dh), auth: unpad(b.keys.auth) },
        device: b.device,
      });
      return reply.code(201).send({ id: sub.id, createdAt: sub.createdAt });
    },
  );

  app.delete(
    '/api/push/subscriptions/:id',
    {
      schema: { summary: 'Turn notifications off for one device of this login', params: IdParams },
    },
    async (req, reply) => {
      if (!push(ctx).unsubscribe(req.principal?.name ?? '', req.params.id))
        throw new VigilError('VIGIL_ERR_NOT_FOUND', `no device ${req.params.id} for this login`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/answer-times',
    { schema: { summary: 'Time to first answer (ack, snooze or verdict), per camera and rule' } },
    async () => ({ rows: ctx.answerTimes?.rows() ?? [] }),
  );

  app.get(
    '/api/alerts/:id/crop',
    { schema: { summary: "The person's crop of an alert (JPEG)", params: AlertParams } },
    async (req, reply) => {
      const crop = ctx.history?.start(req.params.id)?.crop;
      if (!crop || !ctx.dataDir)
        throw new VigilError('VIGIL_ERR_NOT_FOUND', `no crop for alert ${req.params.id}`);
      const jpeg = await readFile(path.join(ctx.dataDir, crop)).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new VigilError(
          'VIGIL_ERR_SNAPSHOT_FAILED',
          `crop unreadable: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      });
      if (!jpeg)
        throw new VigilError(
          'VIGIL_ERR_NOT_FOUND',
          `crop of alert ${req.params.id} is gone (retention)`,
        );
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
    },
  );
}
