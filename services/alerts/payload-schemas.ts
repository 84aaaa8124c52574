import { RULE_NAMES } from '../behaviour/rule-event';
import { FormatRegistry, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { STREAM_STATES } from '../core/stream-state';
import { TAMPER_KINDS } from '../core/tamper-kind';

/**
 * The MQTT contract: one TypeBox schema per payload, exported as JSON Schema in
 * docs/mqtt-schemas.json (npm run gen:schema) and checked in tests against what the daemon sends.
 */
// TypeBox checks string formats only when they are registered.
if (!FormatRegistry.Has('uuid'))
  FormatRegistry.Set('uuid', (v) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  );
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set(
    'date-time',
    (v) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
  );

const Iso = Type.String({ format: 'date-time', description: 'ISO 8601 time, UTC.' });
const Unit = Type.Number({ minimum: 0, maximum: 1 });

export const SeveritySchema = Type.Union(
  [Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')],
  {
    description:
      'low at the rule threshold; loitering rises to medium at 2x and high at 4x dwellSeconds.',
  },
);

export const AckSchema = Type.Object(
  { by: Type.String(), at: Iso, note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: 'Who acknowledged the incident.' },
);

export const VERDICTS = ['confirmed', 'false_alarm'] as const;
export const VerdictSchema = Type.Union(
  VERDICTS.map((v) => Type.Literal(v)),
  { description: "A clerk's judgement: the alert was right (confirmed) or a false alarm." },
);

export const FeedbackSchema = Type.Object(
  { verdict: VerdictSchema, by: Type.String(), at: Iso, note: Type.Optional(Type.String()) },
  { additionalProperties: false, description: "A clerk's verdict on the incident." },
);

export const EvidenceSchema = Type.Object(
  {
    hand: Type.Optional(Type.Union([Type.Literal('left'), Type.Literal('right')])),
    steps: Type.Array(
      Type.Object(
        { step: Type.String(), at: Iso, region: Type.Union([Type.String(), Type.Null()]) },
        { additionalProperties: false },
      ),
      {
        description:
          'reach (hand into a shelf zone, or arm held out where no shelf is drawn), to-body (torso, waist, pocket, or hidden there), hold.',
      },
    ),
    keypoints: Type.Record(
      Type.String(),
      Type.Tuple([Type.Number(), Type.Number(), Type.Number()]),
      { description: 'x, y (analysis pixels), score.' },
    ),
    anomalyScore: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'Pose anomaly score (1 = the 99th percentile of normal training windows).',
      }),
    ),
    concealmentScore: Type.Optional(
      Type.Number({
        description:
          'Concealment score of the person (head down, elbows bent, hands together at the waist band, wrist fading; body units, about 0 for ordinary shopping).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ClipRefSchema = Type.Object(
  {
    path: Type.String({ description: 'MP4 path relative to dataDir (kept on the box only).' }),
    url: Type.String({
      description: 'Where the API serves it: GET with a viewer, clerk or admin token.',
    }),
    startedAt: Iso,
    durationSeconds: Type.Number({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
  },
  {
    additionalProperties: false,
    description:
      'The event clip: H.264 MP4 (+faststart) from alerts.clipPreRollSeconds before the start to clipPostRollSeconds after the end (at most clipMaxSeconds). Every download is in the audit log.',
  },
);

export type ClipRef = Static<typeof ClipRefSchema>;

export const EscalationPayloadSchema = Type.Object(
  {
    level: Type.Integer({ minimum: 1, maximum: 10, description: '1 for the first escalation.' }),
    of: Type.Integer({ minimum: 1, maximum: 10, description: 'Escalations at most (times).' }),
    to: Type.Object(
      {
        logins: Type.Array(Type.String(), { description: 'Logins escalated to.' }),
        roles: Type.Array(Type.String(), { description: 'Roles escalated to.' }),
      },
      { additionalProperties: false, description: 'The second group (alerts.escalation).' },
    ),
    unansweredSeconds: Type.Number({ minimum: 0, description: 'Since the start.' }),
    at: Iso,
  },
  {
    additionalProperties: false,
    description:
      'update only: nobody acknowledged, snoozed or judged the alert in time; it was pushed again to the first group and to this one.',
  },
);

export type Escalation = Static<typeof EscalationPayloadSchema>;

export const AlertPayloadSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    id: Type.String({
      format: 'uuid',
      description: 'Stable for the whole incident (start, updates, end).',
    }),
    type: Type.Union([Type.Literal('start'), Type.Literal('update'), Type.Literal('end')]),
    seq: Type.Integer({
      minimum: 0,
      description: '0 for start, then +1 per message of this incident.',
    }),
    camera: Type.String(),
    cameraName: Type.String(),
    rule: Type.Union(RULE_NAMES.map((r) => Type.Literal(r))),
    zone: Type.String(),
    zoneName: Type.String(),
    trackId: Type.Integer(),
    severity: SeveritySchema,
    startedAt: Iso,
    at: Iso,
    durationSeconds: Type.Number({ minimum: 0 }),
    score: Unit,
    box: Type.Object(
      { x: Unit, y: Unit, w: Unit, h: Unit },
      { additionalProperties: false, description: 'Normalised 0-1.' },
    ),
    path: Type.Array(Type.Tuple([Unit, Unit]), {
      maxItems: 32,
      description: 'Foot points in the zone, normalised, oldest first.',
    }),
    snapshot: Type.Union([Type.String(), Type.Null()], {
      description: 'JPEG path relative to dataDir (start only).',
    }),
    snapshotTopic: Type.Union([Type.String(), Type.Null()], {
      description: 'Topic holding the JPEG bytes (start only).',
    }),
    fullSnapshotTopic: Type.Optional(
      Type.String({
        description:
          'Start only, for cameras with source.snapshotUrl: topic of a full-resolution still (main stream or snapshot URI) with the same overlay, published shortly after the start.',
      }),
    ),
    crop: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description:
          'Start only: a JPEG of the person (heads pixelated as in the snapshot, the zone outline where it falls), path relative to dataDir; GET /api/alerts/<id>/crop.',
      }),
    ),
    ack: Type.Union([AckSchema, Type.Null()]),
    escalation: Type.Optional(EscalationPayloadSchema),
    feedback: Type.Optional(
      Type.Union([FeedbackSchema, Type.Null()], {
        description: "The clerk's verdict: on the update that echoes a feedback command.",
      }),
    ),
    evidence: Type.Union([EvidenceSchema, Type.Null()], {
      description: 'Concealment: the steps seen and keypoints involved; null for loitering.',
    }),
    clip: Type.Optional(ClipRefSchema),
    concealment: Type.Optional(
      Type.Object(
        {
          alertId: Type.String({ format: 'uuid' }),
          snapshot: Type.Union([Type.String(), Type.Null()], {
            description: 'Its JPEG path relative to dataDir; GET /api/alerts/<alertId>/snapshot.',
          }),
          at: Iso,
        },
        {
          additionalProperties: false,
          description:
            'walkout start: the concealment alert of the same person, whose snapshot is the second picture of the walkout.',
        },
      ),
    ),
    endReason: Type.Optional(
      Type.Literal('restart', {
        description:
          "End only: the daemon stopped without ending the incident (a crash, kill -9, power loss) and ended it on its next start; 'at' is that start.",
      }),
    ),
    summary: Type.String(),
  },
  { additionalProperties: false, $id: 'vigil/alert' },
);

const StreamStateSchema = Type.Union(STREAM_STATES.map((s) => Type.Literal(s)));

const LastErrorSchema = Type.Union([
  Type.Object(
    { code: Type.String(), message: Type.String(), at: Iso },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const TamperKindSchema = Type.Union(TAMPER_KINDS.map((k) => Type.Literal(k)));

const SnapshotRefSchema = Type.Object(
  {
    snapshot: Type.String({ description: 'JPEG path relative to dataDir.' }),
    topic: Type.String({ description: 'Topic holding its bytes, published before this message.' }),
  },
  { additionalProperties: false },
);

export const CameraHealthSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    id: Type.String({
      format: 'uuid',
      description: 'One id per outage: offline and online share it.',
    }),
    type: Type.Union([Type.Literal('camera_offline'), Type.Literal('camera_online')]),
    camera: Type.String(),
    cameraName: Type.String(),
    at: Iso,
    downSince: Iso,
    downSeconds: Type.Number({ minimum: 0 }),
    state: StreamStateSchema,
    lastError: LastErrorSchema,
    summary: Type.String(),
  },
  { additionalProperties: false, $id: 'vigil/camera-health' },
);

export const CameraTamperSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    id: Type.String({
      format: 'uuid',
      description: 'One id per tampering: the tamper and its tamper_cleared share it.',
    }),
    type: Type.Union([Type.Literal('tamper'), Type.Literal('tamper_cleared')]),
    kind: Type.Union(TamperKindSchema.anyOf, {
      description:
        'covered: black, flat or mostly blocked; blinded: mostly clipped white; moved: the scene no longer matches its reference; defocused: its edges collapsed.',
    }),
    camera: Type.String(),
    cameraName: Type.String(),
    at: Iso,
    since: Type.String({ format: 'date-time', description: 'When the picture first looked so.' }),
    seconds: Type.Number({ minimum: 0 }),
    severity: Type.Literal('high'),
    measures: Type.Object(
      {
        brightness: Type.Number({ description: 'Mean luminance, 0-255.' }),
        contrast: Type.Number({ description: 'Its standard deviation.' }),
        clipped: Unit,
        blankCells: Unit,
        blurredCells: Unit,
        movedCells: Unit,
      },
      {
        additionalProperties: false,
        description: 'What the picture measured (shares of its textured grid cells).',
      },
    ),
    before: Type.Union([SnapshotRefSchema, Type.Null()], {
      description: 'tamper: the last normal picture.',
    }),
    after: Type.Union([SnapshotRefSchema, Type.Null()], {
      description: 'tamper: the picture when it fired.',
    }),
    reason: Type.Optional(
      Type.Union([Type.Literal('restored'), Type.Literal('relearned')], {
        description:
          'tamper_cleared: the picture came back, or (moved) the new view became the reference after tamper.relearnMinutes.',
      }),
    ),
    summary: Type.String(),
  },
  { additionalProperties: false, $id: 'vigil/camera-tamper' },
);

export const CameraStatusSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    camera: Type.String(),
    state: StreamStateSchema,
    at: Iso,
    inputFps: Type.Number({ minimum: 0 }),
    analysedFps: Type.Number({ minimum: 0 }),
    /** Of analysedFps, the frames the model saw; the rest were tracked on prediction. */
    modelFps: Type.Number({ minimum: 0 }),
    degraded: Type.Boolean({
      description: 'The model runs under inference.minModelFps for this camera (overload).',
    }),
    droppedFrames: Type.Integer({ minimum: 0 }),
    restarts: Type.Integer({ minimum: 0 }),
    people: Type.Integer({ minimum: 0, description: 'People tracked in the last analysed frame.' }),
    tamper: Type.Optional(
      Type.Union([TamperKindSchema, Type.Null()], {
        description: 'The tampering in force on the picture (a tamper alert is open), or null.',
      }),
    ),
    lastError: LastErrorSchema,
  },
  { additionalProperties: false, $id: 'vigil/camera-status' },
);

/** Printable text: no control characters (NUL, newlines) and no bidi overrides (U+202A-E, U+2066-9). */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069]*$';
const ClerkName = (description: string) =>
  Type.String({ minLength: 1, maxLength: 120, pattern: PRINTABLE, description });
/** A clerk's optional note: printable, at most 500 characters (MQTT commands and the API). */
export const Note = Type.Optional(Type.String({ maxLength: 500, pattern: PRINTABLE }));

export const AckCommandSchema = Type.Object(
  {
    by: ClerkName('Who acknowledges (clerk name or device).'),
    note: Note,
  },
  { additionalProperties: false, $id: 'vigil/ack-command' },
);

export const SnoozeCommandSchema = Type.Object(
  {
    by: ClerkName('Who snoozes.'),
    minutes: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1440,
      description: 'No new alert for this camera, zone and rule for this long.',
    }),
    note: Note,
  },
  { additionalProperties: false, $id: 'vigil/snooze-command' },
);

export const FeedbackCommandSchema = Type.Object(
  {
    by: ClerkName('Who judges.'),
    verdict: VerdictSchema,
    note: Note,
  },
  { additionalProperties: false, $id: 'vigil/feedback-command' },
);

export const AlertEventSchema = Type.Object(
  {
    event_type: Type.Union(RULE_NAMES.map((r) => Type.Literal(r))),
    id: Type.String({ format: 'uuid' }),
    camera: Type.String(),
    zone: Type.String(),
    severity: SeveritySchema,
    summary: Type.String(),
    at: Iso,
  },
  {
    additionalProperties: false,
    $id: 'vigil/alert-event',
    description:
      "vigil/<camera>/events: one per alert start, for Home Assistant's event entity (with its discovery on).",
  },
);

export type Severity = Static<typeof SeveritySchema>;
export type AlertPayload = Static<typeof AlertPayloadSchema>;
export type CameraStatusPayload = Static<typeof CameraStatusSchema>;
export type CameraHealthPayload = Static<typeof CameraHealthSchema>;
export type CameraTamperPayload = Static<typeof CameraTamperSchema>;
export type AckCommand = Static<typeof AckCommandSchema>;
export type SnoozeCommand = Static<typeof SnoozeCommandSchema>;
export type FeedbackCommand = Static<typeof FeedbackCommandSchema>;
export type Feedback = Static<typeof FeedbackSchema>;
export type Verdict = (typeof VERDICTS)[number];

export const MQTT_SCHEMAS = {
  alert: AlertPayloadSchema,
  cameraStatus: CameraStatusSchema,
  cameraHealth: CameraHealthSchema,
  cameraTamper: CameraTamperSchema,
  ackCommand: AckCommandSchema,
  snoozeCommand: SnoozeCommandSchema,
  feedbackCommand: FeedbackCommandSchema,
  alertEvent: AlertEventSchema,
} as const;
