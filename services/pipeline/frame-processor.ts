import type { CameraConfig } from '../config/schema';
import type { Detection, Frame, TrackedPerson } from '../core/types';
import type { Behaviour } from '../behaviour/create-behaviour';
import { RuleSet } from '../behaviour/rule-set';
import type { FlushReason } from '../behaviour/rule';
import type { RuleEvent } from '../behaviour/rule-event';
import { toPixelZone } from '../behaviour/zones';
import type { PixelZone } from '../behaviour/zones';
import type { PoseEstimator, Region } from '../pose/pose-estimator';
import type { Tracker } from '../tracking/tracker';
import { appearanceOf } from '../tracking/appearance';

/** A black frame of a camera's analysis size: the scene of `end` events flushed at shutdown. */
export function blankFrame(camera: CameraConfig, timestampMs: number): Frame {
  const { width, height } = camera.analysis;
  return {
    camera: camera.id,
    index: -1,
    timestampMs,
    width,
    height,
    rgb: Buffer.alloc(width * height * 3),
  };
}

/**
 * A frame with a copy of its pixels: for what outlives the frame's buffer, which the camera
 * gives to a later frame (camera/frame-pool.ts): alert pictures, the live view being rendered.
 */
export function copyFrame(frame: Frame): Frame {
  return { ...frame, rgb: Buffer.from(frame.rgb) };
}

export interface ProcessedFrame {
  frame: Frame;
  detections: Detection[];
  tracks: TrackedPerson[];
  events: RuleEvent[];
  inferenceMs: number;
  /**
   * Everyone in the frame whose head is pixelated on the way out: the tracks and every person
   * the model saw, tracked or not (a newcomer, a low score, someone partly hidden); on a coasted
   * frame, those of the last frame the model saw.
   */
  people: readonly Pick<Detection, 'box' | 'keypoints'>[];
  /** The model did not run on this frame: the tracks are predictions (see coast()). */
  coasted?: true;
}

/**
 * The per-frame steps shared by the live daemon and offline analysis (one implementation):
 * estimate -> track -> the camera's rule set. Publishing is the caller's; which rules run, and
 * how they weigh each other, is the rule set's (behaviour/rule-set.ts).
 */
export class FrameProcessor {
  private lastDetections: Detection[] = [];
  zones: PixelZone[];

  constructor(
    camera: CameraConfig,
    private readonly estimator: PoseEstimator,
    private readonly tracker: Tracker,
    /** The camera's rules and pose recorder (createBehaviour); default: no rules. */
    private readonly behaviour: Behaviour = { rules: new RuleSet() },
  ) {
    this.zones = camera.zones.map((z) =>
      toPixelZone(z, camera.analysis.width, camera.analysis.height),
    );
    behaviour.rules.setZones(this.zones);
  }

  /** New zones (and their thresholds) from a config change: effective from the next frame. */
  setZones(camera: CameraConfig): void {
    this.zones = camera.zones.map((z) =>
      toPixelZone(z, camera.analysis.width, camera.analysis.height),
    );
    this.behaviour.rules.setZones(this.zones);
  }

  /**
   * `focus`: where the model should look (motion gating); undefined: everywhere. `priority`: the
   * camera's place in the shared model's queue (lower first: see EstimateOptions).
   */
  async process(frame: Frame, focus?: Region[], priority?: number): Promise<ProcessedFrame> {
    const t0 = performance.now();
    const found = await this.estimator.estimate(frame, focus, { priority });
    const detections = this.describe(frame, found);
    const inferenceMs = performance.now() - t0;
    const tracks = this.track(detections, frame.timestampMs);
    const events = this.evaluate(tracks, frame.timestampMs);
    this.behaviour.recorder?.record(frame.index, frame.timestampMs, tracks);
    this.lastDetections = detections;
    const people = [...tracks, ...detections];
    return { frame, detections, tracks, people, events, inferenceMs };
  }

  /**
   * A frame the model does not see (it is busy with other cameras' frames): the tracks move to
   * where their observations say they are (Track.extrapolated) and the rules run on them, so dwell time, zone entries and alerts keep
   * their timing. Keypoint rules (concealment, the anomaly model) wait for observed poses.
   */
  coast(frame: Frame): ProcessedFrame {
    const tracks = this.tracker.coast(frame.timestampMs);
    const events = this.evaluate(tracks, frame.timestampMs);
    const people = [...tracks, ...this.lastDetections];
    return { frame, detections: [], tracks, people, events, inferenceMs: 0, coasted: true };
  }

  /** Recorded people (npm run tune): the rules alone, on tracks that were already made. */
  replay(tracks: TrackedPerson[], timestampMs: number): RuleEvent[] {
    return this.evaluate(tracks, timestampMs);
  }

  /** The id the next new track gets (the tracker's). */
  get nextTrackId(): number {
    return this.tracker.nextTrackId;
  }

  /** Writes the pose recording so far (npm run tune through the API sees up to now). */
  flushRecording(): void {
    this.behaviour.recorder?.flush();
  }

  /** Ends every rule's open incidents (stream stopped or restarted, file finished). */
  flush(nowMs: number, reason: FlushReason = 'stopped'): RuleEvent[] {
    this.behaviour.recorder?.flush();
    return this.behaviour.rules.flush(nowMs, reason);
  }

  /** The highest concealment score among these people (-Infinity: nobody, or the rule is off). */
  concealmentScore(people: readonly TrackedPerson[]): number {
    return this.behaviour.rules.concealmentScore(people);
  }

  /** Adds each person's colour signature, for the tracker's re-identification. */
  private describe(frame: Frame, detections: Detection[]): Detection[] {
    return detections.map((d) => ({
      ...d,
      appearance: appearanceOf(frame.rgb, frame.width, frame.height, d.box),
    }));
  }

  private track(detections: Detection[], timestampMs: number): TrackedPerson[] {
    return this.tracker.update(detections, timestampMs);
  }

  private evaluate(tracks: TrackedPerson[], timestampMs: number): RuleEvent[] {
    return this.behaviour.rules.evaluate({ tracks, nowMs: timestampMs });
  }
}
