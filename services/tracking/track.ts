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

/**
 * The observations a coasted box's velocity is fitted on: those of the last 0.9 s (3 model runs
 * at the 2.5/s floor, 10 at 10 fps), so a walker's speed is known after two sightings and one
 * noisy box does not swing it. Windows of 0.5-1.3 s measured within 0.011 MOTA of each other
 * (bench:tracking at 5 fps, model every 2nd and 3rd frame, three phases of the model frames).
 */
export const VELOCITY_WINDOW_MS = 900;

/** Keypoints at least this sure mark where the body is (bodyCentre). */
const CENTRE_KEYPOINT_SCORE = 0.2;

/** Mean of the sure keypoints: where the body is, steadier than the box (a swung arm widens it). */
function bodyCentre(s: PoseSample): [number, number] | undefined {
  const k = s.keypoints.filter((p) => p.score >= CENTRE_KEYPOINT_SCORE);
  if (k.length === 0) return undefined;
  return [k.reduce((a, p) => a + p.x, 0) / k.length, k.reduce((a, p) => a + p.y, 0) / k.length];
}

/**
 * Velocity (px/s) of the body: least-squares slope over the samples seen within
 * VELOCITY_WINDOW_MS before `lastMs` (or the last two when fewer fall in the window), of the
 * mean of their sure keypoints, or of their box centres when one sample has none; 0 from one.
 */
export function observedVelocity(
  history: readonly PoseSample[],
  lastMs: number,
): { vx: number; vy: number } {
  let from = history.length - 1;
  while (from > 0 && lastMs - history[from - 1]!.timestampMs <= VELOCITY_WINDOW_MS) from--;
  const s = history.slice(Math.min(from, history.length - 2));
  if (s.length < 2) return { vx: 0, vy: 0 };
  const t = s.map((p) => (p.timestampMs - lastMs) / 1000);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mt = mean(t);
  const den = t.reduce((a, ti) => a + (ti - mt) ** 2, 0);
  if (den <= 0) return { vx: 0, vy: 0 };
  const body = s.map(bodyCentre);
  const at = body.every((c) => c !== undefined)
    ? body
    : s.map((p): [number, number] => [p.box.x + p.box.w / 2, p.box.y + p.box.h / 2]);
  const slope = (v: number[]) => {
    const mv = mean(v);
    return t.reduce((a, ti, i) => a + (ti - mt) * (v[i]! - mv), 0) / den;
  };
  return { vx: slope(at.map((c) => c![0])), vy: slope(at.map((c) => c![1])) };
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

  /**
   * Where the last observed box is at `nowMs`: moved at the velocity fitted to the body's
   * positions observed over the last VELOCITY_WINDOW_MS (their own timestamps), its size held. This,
   * not the Kalman state, is what a frame the model did not see reports (byte-tracker.ts).
   */
  extrapolated(nowMs: number): Box {
    const b = this.last.box;
    const { vx, vy } = observedVelocity(this.history, this.lastSeenMs);
    const dtS = Math.max(nowMs - this.lastSeenMs, 0) / 1000;
    return { x: b.x + vx * dtS, y: b.y + vy * dtS, w: b.w, h: b.h };
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
