import { Type } from '@sinclair/typebox';
import { strict, obj, oneOf, num, Id } from './schema-parts';
import { QuietHoursSchema, ZoneSchema } from './zone-schema';

/** One camera: its source, analysis size and rate, motion gate and zones. Mounted by schema.ts. */

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
