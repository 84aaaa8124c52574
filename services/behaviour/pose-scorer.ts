import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../core/errors';
import type { PoseTracks } from './pose-tracks';
import type { CueNorms } from './concealment-cues';
import { validCueNorms } from './cue-norms';
import { PoseZModel } from './pose-zscore';
import type { PoseZMeta } from './pose-zscore';

/** What the live watcher, offline analysis and `behaviour score` need of a pose scorer. */
export interface PoseScorer {
  readonly kind: 'pose-z' | 'autoencoder';
  /** Poses of one track needed before it can be scored, at `fps`. */
  windowFrames(fps: number): number;
  /** One score per frame, higher is more suspicious; `camera` picks the camera's own part. */
  scoreClip(doc: PoseTracks, camera?: string): Float32Array;
  /** The camera's own normal of the concealment cues, when the model learned it (pose-z). */
  cueNorms?(camera: string): CueNorms | undefined;
  /** Windows it learned from (for the log). */
  readonly trainedWindows: number;
  dispose(): void;
}

/** A z-score model as a PoseScorer. */
export function zScorer(model: PoseZModel): PoseScorer {
  return {
    kind: 'pose-z',
    windowFrames: (fps) => model.windowFrames(fps),
    scoreClip: (doc, camera) => model.scoreClip(doc, camera),
    cueNorms: (camera) => model.meta.cues?.[camera],
    trainedWindows: model.meta.site.windows,
    dispose: () => undefined,
  };
}

/**
 * Loads the model in `dir`, whichever kind `npm run behaviour -- train` wrote: the per-camera
 * pose z-score (meta.json `vigil-pose-z/v1`, the default) or the autoencoder (`vigil-pose-ae/v1`,
 * which loads tfjs).
 */
export async function loadPoseScorer(dir: string): Promise<PoseScorer> {
  let meta: { format?: string };
  try {
    meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { format?: string };
  } catch (err) {
    throw new VigilError(
      'VIGIL_ERR_MODEL_MISSING',
      `no behaviour model in ${dir}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (meta.format === 'vigil-pose-z/v1') {
    const m = meta as PoseZMeta;
    const ok =
      m.windowSeconds > 0 &&
      m.smoothSeconds >= 0 &&
      Array.isArray(m.site?.mean) &&
      m.site.mean.length === m.features &&
      Object.values(m.cameras ?? {}).every(
        (c) => c.mean.length === m.features && c.std.length === m.features,
      ) &&
      (m.cues === undefined || validCueNorms(m.cues));
    if (!ok)
      throw new VigilError(
        'VIGIL_ERR_MODEL_LOAD',
        `${dir}/meta.json: a damaged vigil-pose-z/v1 model`,
      );
    return zScorer(new PoseZModel(m));
  }
  const { AnomalyModel } = await import('./anomaly-model.js');
  const ae = await AnomalyModel.load(dir);
  return {
    kind: 'autoencoder',
    windowFrames: () => ae.meta.window,
    scoreClip: (doc) => ae.scoreClip(doc),
    trainedWindows: ae.meta.trained.windows,
    dispose: () => ae.dispose(),
  };
}
