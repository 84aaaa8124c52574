import path from 'node:path';
import type { CameraConfig, Config } from '../config/schema';
import type { BehaviourParts } from '../pipeline/frame-processor';
import type { CueNorms } from './concealment-cues';
import type { PoseScorer } from './pose-scorer';
import { AnomalyWatcher } from './anomaly-watcher';
import { ConcealmentRule } from './concealment';
import { JourneyRule } from './journeys';
import { PoseRecorder } from './pose-recorder';

/** The behaviour rules of one camera from config (the daemon and offline analysis share it). */
export function createBehaviour(
  config: Config,
  camera: CameraConfig,
  model: PoseScorer | undefined,
  record: boolean,
  /** The camera's concealment cue norms; default: the model's (learned on site), if any. */
  cueNorms: CueNorms | undefined = model?.cueNorms?.(camera.id),
): BehaviourParts {
  const b = config.behaviour;
  const shelves: never[] = []; // zones are set by the FrameProcessor, in pixels
  return {
    concealment: b.concealment.enabled
      ? new ConcealmentRule(shelves, b.concealment, cueNorms)
      : undefined,
    // Exit, checkout and restricted zones: intrusion and walkout (no zones of those kinds: idle).
    journeys: new JourneyRule(shelves),
    anomaly: model
      ? new AnomalyWatcher(model, shelves, {
          threshold: b.anomalyThreshold,
          everyFrames: 5,
          fps: camera.analysis.fps,
          camera: camera.id,
        })
      : undefined,
    recorder:
      record && b.recordPoses
        ? new PoseRecorder(
            path.join(config.dataDir, 'pose-tracks', camera.id),
            camera.id,
            camera.analysis.fps,
          )
        : undefined,
  };
}
