import type { CameraConfig } from '../config/schema';
import type { Frame, TrackedPerson } from '../core/types';
import type { Region } from '../pose/pose-estimator';
import { MotionDetector } from './motion-detector';

export type GateDecision = { analyse: false } | { analyse: true; focus: Region[] | undefined };

/**
 * Decides per frame whether the model runs, and where: frames with motion run on the tiles that
 * move or hold a tracked person; still frames with tracked people run every idleRefreshSeconds
 * (still people stay tracked, dwell keeps counting); still, empty frames never run. Skipped
 * frames leave the tracks as they are: tracking is timestamp-based, so nobody is lost for it.
 */
export class MotionGate {
  private readonly detector: MotionDetector | undefined;
  private lastAnalysedMs = -Infinity;
  skipped = 0;

  constructor(private readonly camera: CameraConfig) {
    const { width, height } = camera.analysis;
    this.detector = camera.motion.enabled
      ? new MotionDetector(width, height, camera.motion)
      : undefined;
  }

  decide(frame: Frame, tracks: readonly TrackedPerson[]): GateDecision {
    if (!this.detector) return this.analyse(frame, undefined);
    const m = this.detector.update(frame.rgb);
    const people = tracks.map((t) => grow(t.box, 0.25));
    if (m.moving) return this.analyse(frame, [...m.regions, ...people]);
    const refreshDue =
      frame.timestampMs - this.lastAnalysedMs >= this.camera.motion.idleRefreshSeconds * 1000;
    if (people.length > 0 && refreshDue) return this.analyse(frame, people);
    this.skipped++;
    return { analyse: false };
  }

  private analyse(frame: Frame, focus: Region[] | undefined): GateDecision {
    this.lastAnalysedMs = frame.timestampMs;
    return { analyse: true, focus };
  }
}

function grow(b: Region, by: number): Region {
  return { x: b.x - b.w * by, y: b.y - b.h * by, w: b.w * (1 + 2 * by), h: b.h * (1 + 2 * by) };
}
