import os from 'node:os';
import type { InferenceConfig } from '../config/schema';
import type { Logger } from '../core/logger';
import { loadPoseEstimator } from './load-estimator';
import type { LoadedEstimator } from './load-estimator';
import { WorkerPoolEstimator } from './worker-pool-estimator';

/** Worker threads for `workers: auto`: one per core the process may use. */
export function autoWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * The daemon's estimator: a pool of worker threads (the event loop stays free for MQTT and the
 * API), or with `workers: 0` the model on the main thread (debugging, and the naive baseline of
 * `npm run bench`).
 */
export async function startEstimator(
  cfg: InferenceConfig,
  logLevel: string,
  log: Logger,
): Promise<LoadedEstimator> {
  const size = cfg.workers === 'auto' ? autoWorkers() : cfg.workers;
  if (size === 0) return loadPoseEstimator(cfg, log);
  const pool = await WorkerPoolEstimator.start(cfg, size, logLevel, log);
  return { estimator: pool, backend: pool.choice };
}
