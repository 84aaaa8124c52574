import { Type } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import { CameraSchema } from '../../config/schema';
import { discoverDevices } from '../../onvif/discovery-service';
import { readDevice, withCredentials } from '../../onvif/onvif-adapter';
import type { ApiContext, ApiServer } from '../api-context';
import type { Version } from '../../config/config-store';
import { DryRun, answer, store } from './config';

const Secret = Type.String({ minLength: 1, maxLength: 128 });
const User = Type.String({ minLength: 1, maxLength: 128 });

const DiscoveryBody = Type.Object(
  {
    interface: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.:-]{1,32}$',
        description: 'Network interface to probe on.',
      }),
    ),
    timeoutSeconds: Type.Number({ minimum: 1, maximum: 30, default: 3 }),
    username: Type.Optional(User),
    password: Type.Optional(Secret),
  },
  { additionalProperties: false },
);

const AdoptBody = Type.Object(
  {
    xaddr: Type.String({
      pattern: '^https?://[^\\s]+$',
      maxLength: 512,
      description: 'The device service URL (from discovery).',
    }),
    username: User,
    password: Secret,
    id: CameraSchema.properties.id,
    name: Type.Optional(Type.String({ maxLength: 120 })),
    stream: Type.Union([Type.Literal('sub'), Type.Literal('main')], {
      default: 'sub',
      description:
        'Which stream to analyse: the substream (cheap) unless the device has one profile.',
    }),
  },
  { additionalProperties: false },
);

/**
 * ONVIF discovery and adoption: probe the network (credentials optional; with them every device
 * is read), then adopt one device into the config as a camera. Adoption is a config change like
 * any other: If-Match, dry run, saved, applied live (the new camera starts alone).
 */
export function registerDiscoveryRoutes(app: ApiServer, ctx: ApiContext): void {
  app.post(
    '/api/discovery',
    { config: { role: 'admin' }, schema: { body: DiscoveryBody } },
    async (req) => {
      const b = req.body;
      if ((b.username === undefined) !== (b.password === undefined))
        throw new VigilError(
          'VIGIL_ERR_REQUEST_INVALID',
          '/body: username and password go together',
        );
      const devices = await discoverDevices({
        interface: b.interface,
        timeoutMs: b.timeoutSeconds * 1000,
        credentials:
          b.username !== undefined && b.password !== undefined
            ? { username: b.username, password: b.password }
            : undefined,
      });
      return { devices };
    },
  );

  app.post(
    '/api/discovery/adopt',
    { config: { role: 'admin' }, schema: { body: AdoptBody, querystring: DryRun } },
    async (req, reply) => {
      const s = store(ctx);
      const b = req.body;
      const raw = structuredClone(s.latest.raw) as { cameras?: Record<string, unknown>[] };
      if (raw.cameras?.some((c) => c.id === b.id))
        throw new VigilError('VIGIL_ERR_CAMERA_EXISTS', `camera ${b.id} already exists`);
      const creds = { username: b.username, password: b.password };
      const device = await readDevice(b.xaddr, creds);
      const stream = (b.stream === 'sub' ? device.sub : undefined) ?? device.main;
      const snapshot =
        device.snapshotUri ??
        (device.main && device.main.uri !== stream?.uri ? device.main.uri : null);
      if (!stream) throw new VigilError('VIGIL_ERR_ONVIF_FAILED', `${b.xaddr} gave no stream URI`);
      const camera = {
        id: b.id,
        name: b.name ?? [device.manufacturer, device.model].filter(Boolean).join(' '),
        source: {
          url: withCredentials(stream.uri, creds),
          // Evidence at full resolution: the device's snapshot URI, else its main stream.
          ...(snapshot ? { snapshotUrl: withCredentials(snapshot, creds) } : {}),
        },
      };
      // Added to the file as it is when the change runs (If-Match says it is still the one read).
      const plan = (cur: Version) => {
        const next = structuredClone(cur.raw) as { cameras?: Record<string, unknown>[] };
        next.cameras = [...(next.cameras ?? []), camera];
        return next;
      };
      const dryRun = req.query.dryRun === 'true';
      const r = await s.change(plan, req.headers['if-match'], dryRun, ctx.applyConfig);
      const result = answer(reply, r, dryRun);
      return { ...result, camera: { id: b.id, name: camera.name, profile: stream.profile } };
    },
  );
}
