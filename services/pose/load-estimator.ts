import path from 'node:path';
import type { InferenceConfig } from '../config/schema';
import type { Logger } from '../core/logger';
import { loadEngine } from './engines/select-engine';
import type { LoadedEngine } from './engines/select-engine';
import type { BackendChoice } from './engines/pose-engine';
import { readManifest, modelDir, readVerifiedModel } from './model-files';
import { MoveNetEstimator } from './movenet';
import type { PoseEstimator } from './pose-estimator';
import { TiledPoseEstimator } from './tiled-estimator';

export interface LoadedEstimator {
  estimator: PoseEstimator;
  backend: BackendChoice;
  onnx?: LoadedEngine['onnx'];
}

/** Where ONNX conversions are cached: `<dataDir>/models`. */
export function modelCacheDir(dataDir: string): string {
  return path.resolve(dataDir, 'models');
}

/**
 * Verifies the model files' checksums, picks the backend (converting the model to ONNX for the
 * configured input size where an ONNX backend runs), loads MoveNet and warms it up.
 */
export async function loadPoseEstimator(
  cfg: InferenceConfig,
  log: Logger,
  cacheDir = modelCacheDir('data/vigil'),
): Promise<LoadedEstimator> {
  const entry = readManifest()['movenet-multipose'];
  if (!entry) throw new Error('models/manifest.json has no movenet-multipose entry');
  const files = readVerifiedModel(entry, modelDir(entry, cfg.modelDir));
  const t0 = Date.now();
  const loaded = await loadEngine(cfg, { entry, files, cacheDir }, log);
  const movenet = new MoveNetEstimator(loaded.engine, cfg);
  const estimator = new TiledPoseEstimator(movenet, cfg.strategy, cfg.tiles);
  log.info(
    {
      model: 'movenet-multipose',
      dir: files.dir,
      backend: loaded.choice.name,
      onnx: loaded.onnx,
      loadMs: Date.now() - t0,
      strategy: cfg.strategy,
      input: `${cfg.inputWidth}x${cfg.inputHeight}`,
    },
    'pose model loaded (checksums verified)',
  );
  return { estimator, backend: loaded.choice, onnx: loaded.onnx };
}
