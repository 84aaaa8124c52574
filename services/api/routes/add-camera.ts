import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { VigilError } from '../../core/errors';
import { CameraSchema } from '../../config/schema';
import type { Version } from '../../config/config-store';
import type { ApiContext, ApiServer } from '../api-context';
import { DryRun, answer, store } from './config';

const StreamUrl = Type.String({
  pattern: '^(rtsps?|https?)://[^\\s]+$',
  maxLength: 512,
  description:
    "The camera's stream: rtsp:// or rtsps:// (an http(s) MJPEG/HLS URL that ffmpeg reads works too). Credentials go in username and password, not in the URL.",
});
const Login = {
  username: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: "The camera's user name." }),
  ),
  password: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: "The camera's password." }),
  ),
};

const StillBody = Type.Object({ url: StreamUrl, ...Login }, { additionalProperties: false });

export const AddCameraBody = Type.Object(
  {
    id: CameraSchema.properties.id,
    name: Type.Optional(Type.String({ maxLength: 120, description: 'Human name for summaries.' })),
    url: StreamUrl,
    ...Login,
    snapshotUrl: Type.Optional(
      Type.String({
        pattern: '^(rtsps?|https?)://[^\\s]+$',
        maxLength: 512,
        description:
          'Full-resolution evidence (an http(s) snapshot URI or the rtsp:// main stream); the same login is put in it.',
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'false: saved but not started.' })),
  },
  { additionalProperties: false },
);

/** A stream URL with the login put in it (encoded); without a login, the URL as given. */
export function urlWithLogin(url: string, username?: string, password?: string): string {
  if ((username === undefined) !== (password === undefined))
    throw new VigilError('VIGIL_ERR_REQUEST_INVALID', '/body: username and password go together');
  if (username === undefined || password === undefined) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The camera as it goes into the config file. */
export function cameraEntry(b: Static<typeof AddCameraBody>): Record<string, unknown> {
  const url = urlWithLogin(b.url, b.username, b.password);
  const snapshotUrl = b.snapshotUrl && urlWithLogin(b.snapshotUrl, b.username, b.password);
  return {
    id: b.id,
    ...(b.name ? { name: b.name } : {}),
    ...(b.enabled === false ? { enabled: false } : {}),
    source: { url, ...(snapshotUrl ? { snapshotUrl } : {}) },
  };
}

/**
 * A camera added by its stream URL, the way a new user meets it: test the URL (one still through
 * ffmpeg, shown in the console), then add it. Adding is a config change like any other: admin
 * only, If-Match, dry run, saved with the file's comments, applied live (the camera starts alone).
 */
export function registerAddCameraRoutes(app: ApiServer, ctx: ApiContext): void {
  app.post(
    '/api/cameras/still',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'One still of a stream URL (JPEG), to test it before adding the camera',
        body: StillBody,
      },
    },
    async (req, reply) => {
      if (!ctx.grabStill)
        throw new VigilError('VIGIL_ERR_NOT_FOUND', 'this daemon cannot grab stills');
      const b = req.body;
      const jpeg = await ctx.grabStill(urlWithLogin(b.url, b.username, b.password));
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );

  app.post(
    '/api/cameras',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Add a camera by its stream URL (If-Match: the ETag of GET /api/config)',
        body: AddCameraBody,
        querystring: DryRun,
      },
    },
    async (req, reply) => {
      const s = store(ctx);
      const camera = cameraEntry(req.body);
      const plan = (cur: Version) => {
        const next = structuredClone(cur.raw) as { cameras?: Record<string, unknown>[] };
        if (next.cameras?.some((c) => c.id === camera.id))
          throw new VigilError('VIGIL_ERR_CAMERA_EXISTS', `camera ${req.body.id} already exists`);
        next.cameras = [...(next.cameras ?? []), camera];
        return next;
      };
      const dryRun = req.query.dryRun === 'true';
      const r = await s.change(plan, req.headers['if-match'], dryRun, ctx.applyConfig);
      const result = answer(reply, r, dryRun);
      return { ...result, camera: { id: req.body.id, name: req.body.name ?? '' } };
    },
  );
}
