import type { BackendName } from '../../config/schema';

export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/**
 * What `auto` tries, best first: ONNX Runtime's GPU providers, tfjs on CUDA, ONNX Runtime on the
 * CPU, tfjs's wasm and plain-JS backends. `tfjs-node` (libtensorflow on the CPU) is only used
 * when named: `onnx` is the faster CPU engine.
 */
export const BACKEND_ORDER: readonly ConcreteBackend[] = [
  'onnx-tensorrt',
  'onnx-cuda',
  'tfjs-node-gpu',
  'onnx',
  'wasm',
  'cpu',
];

/** The engine that runs a backend: ONNX Runtime or tfjs. */
export function engineOf(backend: ConcreteBackend): 'onnx' | 'tfjs' {
  return backend.startsWith('onnx') ? 'onnx' : 'tfjs';
}

/** Backends with their own thread pool or a GPU: one model instance serves the whole box. */
export function isSharedDevice(backend: string): boolean {
  return backend.startsWith('tfjs-node') || backend === 'onnx-cuda' || backend === 'onnx-tensorrt';
}

export interface BackendChoice {
  name: ConcreteBackend;
  /** Why each better backend was passed over. */
  skipped: { name: ConcreteBackend; reason: string }[];
}

/**
 * One engine's way to run MoveNet MultiPose: the letterboxed int32 input [1, H, W, 3] in, the raw
 * [1, 6, 56] output out. Pre- and post-processing are shared by every engine (movenet-input.ts,
 * movenet.ts), so adding an engine touches nothing else.
 */
export interface PoseEngine {
  readonly backend: ConcreteBackend;
  readonly inputWidth: number;
  readonly inputHeight: number;
  run(input: Int32Array): Promise<Float32Array>;
  dispose(): Promise<void>;
}
