import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import type { RouteOptions } from 'fastify';

/** Every error answer: a stable code, a message naming the field, and the problems listed. */
export const ErrorBody = Type.Object(
  {
    code: Type.String({
      pattern: '^VIGIL_ERR_[A-Z_]+$',
      description: 'Stable; the README lists every code.',
    }),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    ),
  },
  { description: 'An error (4xx or 5xx).' },
);

/** A JSON object documented by its description; serialised whole (no field is ever dropped). */
const loose = (description: string): TSchema =>
  Type.Object({}, { additionalProperties: true, description });
const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: { type: 'string', format: 'binary' } } },
});

const CHANGE =
  '`{dryRun, etag, change: {cameras: [{id, change: added|removed|zones|restart}], restartRequired: [section]}}` and an ETag header.';

/** Summary and 200 answer of each route that does not state its own (method and URL). */
const DOCS: Record<string, { summary: string; ok?: TSchema | ReturnType<typeof binary> }> = {
  'GET /healthz': { summary: 'Liveness: 200 while the process runs (public)' },
  'GET /readyz': {
    summary:
      'Readiness: 200 when every camera streams, none is degraded and MQTT is connected; 503 with the reasons',
  },
  'GET /api/cameras': {
    summary: "Every camera's state, rates, latencies, errors, and the inference backend",
    ok: loose('`{backend, backendSkipped, cameras: [CameraStatus]}` (see the README).'),
  },
  'GET /api/cameras/:id/frame.jpg': {
    summary: '',
    ok: binary('image/jpeg', 'The latest analysed frame.'),
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    ok: binary('text/plain', 'Prometheus text exposition format.'),
  },
  'GET /api/config': {
    summary: 'The config file, secrets redacted, with its ETag',
    ok: loose("`{etag, config}`; the ETag header is the file's content hash."),
  },
  'PUT /api/config': {
    summary: 'Replace the whole config (If-Match; ?dryRun=true to check only)',
    ok: loose(CHANGE),
  },
  'PUT /api/cameras/:id/zones': {
    summary: "Replace one camera's zones (If-Match; applied live to that camera only)",
    ok: loose(CHANGE),
  },
  'POST /api/config/rollback': {
    summary: 'Go back to the version before the last change (If-Match)',
    ok: loose(CHANGE),
  },
  'GET /api/alerts': {
    summary: 'Alert history, newest first, paged; with verdict counts per camera, zone and rule',
    ok: loose(
      '`{items: [Alert], nextBefore: string|null, ends: {<alert id>: {at, clip: boolean}} (the listed incidents that are over, and whether their end carries a clip), feedback: [{camera, zone, rule, alerts, confirmed, falseAlarm, unanswered}]}`',
    ),
  },
  'GET /api/alerts/:id/snapshot': {
    summary: "An incident's snapshot",
    ok: binary('image/jpeg', 'The snapshot JPEG.'),
  },
  'GET /api/snoozes': {
    summary: 'The snoozes in force',
    ok: loose('`{snoozes: [{key, camera, zone, rule, by, until, note?}]}`'),
  },
  'DELETE /api/snoozes/:camera/:zone/:rule': {
    summary: '',
    ok: { description: 'Cancelled (204 No Content).' } as ReturnType<typeof binary>,
  },
  'POST /api/discovery': {
    summary: 'Find ONVIF cameras on the network (WS-Discovery; credentials optional)',
    ok: loose('`{devices: [{urn, xaddrs, address, name, hardware, device, error}]}`'),
  },
  'POST /api/discovery/adopt': {
    summary: 'Add a discovered camera to the config (If-Match; applied live)',
    ok: loose(`${CHANGE} Also \`camera: {id, name, profile}\`.`),
  },
  'POST /api/cameras': {
    summary: '',
    ok: loose(`${CHANGE} Also \`camera: {id, name}\`.`),
  },
  'POST /api/cameras/still': {
    summary: '',
    ok: binary('image/jpeg', "One still of the stream (the add-camera form's Test)."),
  },
  'GET /api/session': { summary: '', ok: loose('`{name, role}`') },
  'GET /api/incidents': {
    summary: '',
    ok: loose('`{incidents: [Alert]}` with `ack` and `feedback`.'),
  },
  'GET /api/events': {
    summary: '',
    ok: binary('text/event-stream', 'Server-Sent Events: hello, alert, answer, status.'),
  },
  'POST /api/alerts/:id/ack': { summary: '', ok: loose('`{alertId, command, by}`') },
  'POST /api/alerts/:id/snooze': { summary: '', ok: loose('`{alertId, command, by, until}`') },
  'POST /api/alerts/:id/feedback': { summary: '', ok: loose('`{alertId, command, by, verdict}`') },
  'GET /api/alerts/:id/clip': {
    summary: '',
    ok: binary('video/mp4', 'The clip (206 with a Range header; 416 for a range past its end).'),
  },
  'POST /api/tune': {
    summary: '',
    ok: loose(
      '`{since, frames, cameras, rows: [{camera, zone, rule, current, candidate, vanish, appear, confirmed: {total, kept}, falseAlarms: {total, removed}}]}`',
    ),
  },
  'GET /api/push/vapid-public-key': { summary: '', ok: loose('`{publicKey}` (base64url).') },
  'GET /api/push/subscriptions': {
    summary: '',
    ok: loose('`{subscriptions: [{id, origin, createdAt, device}]}`'),
  },
  'DELETE /api/push/subscriptions/:id': {
    summary: '',
    ok: { description: 'Turned off (204 No Content).' } as ReturnType<typeof binary>,
  },
  'GET /api/answer-times': {
    summary: '',
    ok: loose('`{rows: [{camera, rule, answered, meanSeconds, medianSeconds, p90Seconds}]}`'),
  },
  'GET /api/alerts/:id/crop': { summary: '', ok: binary('image/jpeg', "The person's crop JPEG.") },
};

/** Routes that change the config file: they need If-Match (428 without, 412 when stale). */
const IF_MATCH = new Set([
  'PUT /api/config',
  'PUT /api/cameras/:id/zones',
  'POST /api/config/rollback',
  'POST /api/discovery/adopt',
  'POST /api/cameras',
]);

/** Routes anyone may call (auth.ts): no bearer token in their OpenAPI entry. */
const PUBLIC_ROUTES = new Set(['GET /healthz', 'GET /api/openapi.json']);

/**
 * onRoute hook: each route's OpenAPI entry gets its summary, its 200 answer, the error answers
 * (4xx and 5xx, ErrorBody), the If-Match header where it applies, and no security where public.
 * Documentation only: nothing here changes what a route accepts or answers.
 */
export function documentRoute(route: RouteOptions): void {
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  const key = `${method} ${route.url}`;
  const schema = (route.schema ??= {}) as Record<string, unknown> & {
    response?: Record<string, unknown>;
    summary?: string;
    hide?: boolean;
  };
  if (schema.hide || method === 'HEAD') return;
  const doc = DOCS[key];
  if (doc?.summary && !schema.summary) schema.summary = doc.summary;
  const response = (schema.response ??= {});
  // A route that answers 204 documents it under 204 (nothing is serialised).
  if (doc?.ok && !response[200] && !response[204])
    response[key.startsWith('DELETE ') ? 204 : 200] = doc.ok;
  for (const status of ['4xx', '5xx']) response[status] ??= ErrorBody;
  if (IF_MATCH.has(key)) {
    schema.description = `${schema.description ?? ''}Needs \`If-Match: <etag>\` (from GET /api/config or the last change): 428 without it, 412 when the file changed since (another change, or a hand edit).`;
  }
  if (PUBLIC_ROUTES.has(key)) schema.security = [];
}
