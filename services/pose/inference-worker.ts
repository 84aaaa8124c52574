import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceConfig } from '../config/schema';
import { VigilError, errorMessage } from '../core/errors';
import { createRootLogger } from '../core/logger';
import { loadPoseEstimator } from './load-estimator';
import type { PoseEstimator, Region } from './pose-estimator';
import type { BackendChoice } from './engines/pose-engine';
import { lowerThreadPriority } from './thread-priority';

/**
 * One inference worker thread: its own engine (an ONNX Runtime session or a tfjs backend, one
 * thread) and MoveNet.
 * Frames arrive in a SharedArrayBuffer owned by this worker (copied in once by the main thread,
 * read here without a copy); detections go back as plain objects.
 */
export interface WorkerInit {
  cfg: InferenceConfig;
  logLevel: string;
  /** Where ONNX conversions are cached (<dataDir>/models). */
  cacheDir: string;
}

export type ToWorker = {
  id: number;
  width: number;
  height: number;
  /** Set when the main thread had to grow the shared frame buffer. */
  buffer?: SharedArrayBuffer;
  focus?: Region[];
};

export type FromWorker =
  | { type: 'ready'; choice: BackendChoice }
  | { type: 'result'; id: number; detections: unknown[]; ms: number }
  | { type: 'error'; id: number; code: string; message: string }
  | { type: 'fatal'; code: string; message: string };

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('inference-worker must run as a worker thread');
  const { cfg, logLevel, cacheDir } = workerData as WorkerInit;
  const log = createRootLogger(logLevel).child({ module: 'inference-worker' });
  lowerThreadPriority(log);
  let estimator: PoseEstimator;
  try {
    const loaded = await loadPoseEstimator(cfg, log, cacheDir);
    estimator = loaded.estimator;
    port.postMessage({ type: 'ready', choice: loaded.backend } satisfies FromWorker);
  } catch (err) {
    port.postMessage({
      type: 'fatal',
      code: err instanceof VigilError ? err.code : 'VIGIL_ERR_MODEL_LOAD',
      message: errorMessage(err),
    } satisfies FromWorker);
    return;
  }
  let shared: SharedArrayBuffer | undefined;
  port.on('message', (m: ToWorker) => {
    if (m.buffer) shared = m.buffer;
    const t0 = performance.now();
    const bytes = m.width * m.height * 3;
    const run = shared
      ? estimator.estimate(
          { width: m.width, height: m.height, rgb: new Uint8Array(shared, 0, bytes) },
          m.focus,
        )
      : Promise.reject(new Error('no frame buffer'));
    run.then(
      (detections) =>
        port.postMessage({
          type: 'result',
          id: m.id,
          detections,
          ms: performance.now() - t0,
        } satisfies FromWorker),
      (err: unknown) =>
        port.postMessage({
          type: 'error',
          id: m.id,
          code: err instanceof VigilError ? err.code : 'VIGIL_ERR_INFERENCE_FAILED',
          message: errorMessage(err),
        } satisfies FromWorker),
    );
  });
}

void run();
