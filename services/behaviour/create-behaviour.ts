import path from 'node:path';
import type { CameraConfig, Config } from '../config/schema';
import type { CueNorms } from './concealment-cues';
import type { PoseScorer } from './pose-scorer';
import { AnomalyWatcher } from './anomaly-watcher';
import { ConcealmentRule } from './concealment';
import { JourneyRule } from './journeys';
import { LoiteringRule } from './loitering';
import { PoseRecorder } from './pose-recorder';
import { RuleSet } from './rule-set';

/** A camera's behaviour: its rules, and the recorder of its poses (behaviour.recordPoses). */
export interface Behaviour {
  rules: RuleSet;
  recorder?: PoseRecorder;
}

/** The behaviour rules of one camera from config (the daemon and offline analysis share it). */
export function createBehaviour(
  config: Config,
  camera: CameraConfig,
  model: PoseScorer | undefined,
  record: boolean,
  /** The camera's concealment cue norms; default: the model's (learned on site), if any. */
  cueNorms: CueNorms | undefined = model?.cueNorms?.(camera.id),
): Behaviour {
  const b = config.behaviour;
  const zones: never[] = []; // zones are set by the FrameProcessor, in pixels
  const rules = new RuleSet({
    // Per zone (loitering.enabled): a camera with no loitering zone has nothing to do here.
    loitering: new LoiteringRule(zones),
    concealment: b.concealment.enabled
      ? new ConcealmentRule(zones, b.concealment, cueNorms)
      : undefined,
    anomaly: model
      ? new AnomalyWatcher(model, zones, {
          threshold: b.anomalyThreshold,
          everyFrames: 5,
          fps: camera.analysis.fps,
          camera: camera.id,
        })
      : undefined,
    // Exit, checkout and restricted zones: intrusion and walkout (no zones of those kinds: idle).
    journeys: new JourneyRule(zones),
  });
  return {
    rules,
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
