import os from 'node:os';
import type { InferenceConfig } from '../config/schema';
import type { Logger } from '../core/logger';
import type { LoadedEstimator } from './load-estimator';
import { TiledPoseEstimator } from './tiled-estimator';
import { WorkerPoolEstimator } from './worker-pool-estimator';

/** Model runs per analysed frame: the tiles, plus the whole frame for `full+tiles`. */
export function jobsPerFrame(cfg: InferenceConfig): number {
  const tiles = cfg.tiles.cols * cfg.tiles.rows;
  return cfg.strategy === 'full' ? 1 : cfg.strategy === 'tiles' ? tiles : tiles + 1;
}

/**
 * Worker threads for `workers: auto`: one per core, but no more than can be busy at once (each
 * camera has one frame in flight): an idle worker still holds a model (~120 MB).
 */
export function autoWorkers(cfg: InferenceConfig, cameras: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), cameras * jobsPerFrame(cfg)));
}

export interface StartedEstimator extends LoadedEstimator {
  /** The worker pool, when there is one (it grows as cameras are added). */
  pool?: WorkerPoolEstimator;
}

/**
 * The daemon's estimator: a pool of worker threads (the event loop stays free for MQTT and the
 * API) fed tile by tile, or with `workers: 0` the model on the main thread (debugging, and the
 * naive baseline of `npm run bench`).
 */
export async function startEstimator(
  cfg: InferenceConfig,
  logLevel: string,
  log: Logger,
  cameras: number,
  cacheDir: string,
): Promise<StartedEstimator> {
  const size = cfg.workers === 'auto' ? autoWorkers(cfg, cameras) : cfg.workers;
  if (size === 0) {
    // Loaded only here: with workers, no engine enters the main thread.
    const { loadPoseEstimator } = await import('./load-estimator.js');
    return loadPoseEstimator(cfg, log, cacheDir);
  }
  // Workers run the bare model; tiling stays here, so one frame's tiles run on all workers.
  const pool = await WorkerPoolEstimator.start(
    { cfg: { ...cfg, strategy: 'full' }, logLevel, cacheDir },
    size,
    log,
  );
  return {
    estimator: new TiledPoseEstimator(pool, cfg.strategy, cfg.tiles, true),
    backend: pool.choice,
    pool,
  };
}
