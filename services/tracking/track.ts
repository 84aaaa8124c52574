import type { Box, Detection, PoseSample } from '../core/types';
import { blendAppearance } from './appearance';
import { BoxKalman } from './kalman';

/** Weight of the past in a track's colour signature. */
const APPEARANCE_KEEP = 0.9;
import type { KalmanBox } from './kalman';

export type TrackState = 'tentative' | 'confirmed' | 'lost';

export function toKalmanBox(b: Box): KalmanBox {
  return { cx: b.x + b.w / 2, cy: b.y + b.h / 2, a: b.w / Math.max(b.h, 1e-6), h: b.h };
}

export function fromKalmanBox(k: KalmanBox): Box {
  const w = k.a * k.h;
  return { x: k.cx - w / 2, y: k.cy - k.h / 2, w, h: k.h };
}

/** A person followed over time: Kalman state, lifecycle and a bounded pose history. */
export class Track {
  state: TrackState = 'tentative';
  hits = 1;
  lastSeenMs: number;
  lastPredictMs: number;
  readonly firstSeenMs: number;
  last: Detection;
  readonly history: PoseSample[] = [];
  /** Running colour signature (EMA), when detections carry one. */
  appearance: Float32Array | undefined;
  private readonly kf: BoxKalman;

  constructor(
    readonly id: number,
    det: Detection,
    nowMs: number,
    private readonly historySize: number,
  ) {
    this.kf = new BoxKalman(toKalmanBox(det.box));
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
    this.lastPredictMs = nowMs;
    this.last = det;
    this.appearance = det.appearance ? Float32Array.from(det.appearance) : undefined;
    this.record(det, nowMs);
  }

  /** The box the filter expects now. */
  get predicted(): Box {
    return fromKalmanBox(this.kf.state);
  }

  predict(nowMs: number): void {
    this.kf.predict((nowMs - this.lastPredictMs) / 1000);
    this.lastPredictMs = nowMs;
  }

  update(det: Detection, nowMs: number, minHits: number): void {
    this.kf.update(toKalmanBox(det.box));
    this.last = det;
    this.lastSeenMs = nowMs;
    this.hits++;
    if (det.appearance) {
      if (this.appearance) blendAppearance(this.appearance, det.appearance, APPEARANCE_KEEP);
      else this.appearance = Float32Array.from(det.appearance);
    }
    if (this.state === 'lost' || (this.state === 'tentative' && this.hits >= minHits))
      this.state = 'confirmed';
    this.record(det, nowMs);
  }

  private record(det: Detection, nowMs: number): void {
    this.history.push({
      timestampMs: nowMs,
      box: det.box,
      score: det.score,
      keypoints: det.keypoints,
    });
    if (this.history.length > this.historySize)
      this.history.splice(0, this.history.length - this.historySize);
  }
}
