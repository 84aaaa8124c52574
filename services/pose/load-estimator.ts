import type { InferenceConfig } from '../config/schema';
import type { Logger } from '../core/logger';
import { readManifest, modelDir, readVerifiedModel } from './model-files';
import { MoveNetEstimator } from './movenet';
import type { PoseEstimator } from './pose-estimator';
import { TiledPoseEstimator } from './tiled-estimator';
import { selectBackend } from './tfjs-backend';
import type { BackendChoice } from './tfjs-backend';

export interface LoadedEstimator {
  estimator: PoseEstimator;
  backend: BackendChoice;
}

/** Picks the backend, verifies the model files' checksums, loads MoveNet and warms it up. */
export async function loadPoseEstimator(
  cfg: InferenceConfig,
  log: Logger,
): Promise<LoadedEstimator> {
  const backend = await selectBackend(cfg.backend, log);
  const entry = readManifest()['movenet-multipose'];
  if (!entry) throw new Error('models/manifest.json has no movenet-multipose entry');
  const files = readVerifiedModel(entry, modelDir(entry, cfg.modelDir));
  const t0 = Date.now();
  const movenet = await MoveNetEstimator.load(files, entry.graph, backend.name, cfg);
  const estimator = new TiledPoseEstimator(movenet, cfg.strategy, cfg.tiles);
  log.info(
    {
      model: 'movenet-multipose',
      dir: files.dir,
      loadMs: Date.now() - t0,
      strategy: cfg.strategy,
      input: `${cfg.inputWidth}x${cfg.inputHeight}`,
    },
    'pose model loaded (checksums verified)',
  );
  return { estimator, backend };
}
