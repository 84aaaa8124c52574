import type { CameraConfig } from '../config/schema';
import type { Detection, Frame, TrackedPerson } from '../core/types';
import { LoiteringRule } from '../behaviour/loitering';
import type { RuleEvent } from '../behaviour/rule-event';
import { toPixelZone } from '../behaviour/zones';
import type { PixelZone } from '../behaviour/zones';
import type { PoseEstimator } from '../pose/pose-estimator';
import type { Tracker } from '../tracking/tracker';
import { appearanceOf } from '../tracking/appearance';

export interface ProcessedFrame {
  frame: Frame;
  detections: Detection[];
  tracks: TrackedPerson[];
  events: RuleEvent[];
  inferenceMs: number;
}

/**
 * The per-frame steps shared by the live daemon and offline analysis (one implementation):
 * estimate -> track -> evaluate. Publishing is the caller's.
 */
export class FrameProcessor {
  private readonly loitering: LoiteringRule;
  zones: PixelZone[];

  constructor(
    camera: CameraConfig,
    private readonly estimator: PoseEstimator,
    private readonly tracker: Tracker,
  ) {
    this.zones = camera.zones.map((z) =>
      toPixelZone(z, camera.analysis.width, camera.analysis.height),
    );
    this.loitering = new LoiteringRule(this.zones);
  }

  async process(frame: Frame): Promise<ProcessedFrame> {
    const t0 = performance.now();
    const detections = this.describe(frame, await this.estimate(frame));
    const inferenceMs = performance.now() - t0;
    const tracks = this.track(detections, frame.timestampMs);
    const events = this.evaluate(tracks, frame.timestampMs);
    return { frame, detections, tracks, events, inferenceMs };
  }

  /** Ends open incidents (stream stopped or file finished). */
  flush(nowMs: number): RuleEvent[] {
    return this.loitering.flush(nowMs);
  }

  private estimate(frame: Frame): Promise<Detection[]> {
    return this.estimator.estimate(frame);
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
    return this.loitering.evaluate(tracks, timestampMs);
  }
}
