import type { CameraConfig, Config } from '../config/schema';
import { createBehaviour } from '../behaviour/create-behaviour';
import type { PoseScorer } from '../behaviour/pose-scorer';
import type { PoseEstimator } from '../pose/pose-estimator';
import { createTracker } from '../tracking/create-tracker';
import { CameraPipeline } from './camera-pipeline';
import type { CameraPipelineDeps, ModelScheduling } from './camera-pipeline';
import { FrameProcessor } from './frame-processor';

/** What a camera's pipeline runs on besides its config. */
export interface CameraModels {
  estimator: PoseEstimator;
  /** The site's pose anomaly model (behaviour.anomalyModelDir), if loaded. */
  anomalyModel?: PoseScorer;
  /** Record the camera's poses (behaviour.recordPoses): the daemon does, analyze does not. */
  recordPoses: boolean;
  /** Where track ids start: a camera restarted live continues its previous tracker's ids. */
  firstTrackId?: number;
}

/**
 * One camera's pipeline from config, as the daemon builds it and as analyze builds it: the same
 * tracker, rule set and scheduling, so both see the same tracks and raise the same alerts.
 */
export function createCameraPipeline(
  config: Config,
  camera: CameraConfig,
  models: CameraModels,
  deps: Omit<CameraPipelineDeps, 'processor'>,
  scheduling: ModelScheduling = config.inference,
): CameraPipeline {
  const processor = new FrameProcessor(
    camera,
    models.estimator,
    createTracker(config.tracking, models.firstTrackId),
    createBehaviour(config, camera, models.anomalyModel, models.recordPoses),
  );
  return new CameraPipeline(camera, { ...deps, processor }, scheduling);
}
