import type { Keypoint, TrackedPerson } from '../../services/core/types';

export interface Body {
  /** Foot point (between the ankles), pixels. */
  x: number;
  y: number;
  /** Shoulder-to-hip length, pixels. */
  torso?: number;
  /** Where the right and left wrists are, or undefined for hanging at the sides. */
  rightWrist?: [number, number];
  leftWrist?: [number, number];
}

/** A standing person in COCO-17 with all keypoints seen; proportions of an adult. */
export function body(trackId: number, b: Body): TrackedPerson {
  const t = b.torso ?? 50;
  const hipY = b.y - 1.9 * t;
  const shY = hipY - t;
  const kp = (x: number, y: number): Keypoint => ({ x, y, score: 0.8 });
  const k: Keypoint[] = [
    kp(b.x, shY - 0.6 * t), // nose
    kp(b.x - 0.08 * t, shY - 0.7 * t),
    kp(b.x + 0.08 * t, shY - 0.7 * t),
    kp(b.x - 0.15 * t, shY - 0.65 * t),
    kp(b.x + 0.15 * t, shY - 0.65 * t),
    kp(b.x - 0.4 * t, shY), // left shoulder (image left)
    kp(b.x + 0.4 * t, shY),
    kp(b.x - 0.5 * t, shY + 0.5 * t),
    kp(b.x + 0.5 * t, shY + 0.5 * t),
    kp(...(b.leftWrist ?? [b.x - 0.55 * t, hipY + 0.3 * t])),
    kp(...(b.rightWrist ?? [b.x + 0.55 * t, hipY + 0.3 * t])),
    kp(b.x - 0.25 * t, hipY),
    kp(b.x + 0.25 * t, hipY),
    kp(b.x - 0.25 * t, hipY + 0.95 * t),
    kp(b.x + 0.25 * t, hipY + 0.95 * t),
    kp(b.x - 0.25 * t, b.y),
    kp(b.x + 0.25 * t, b.y),
  ];
  const xs = k.map((p) => p.x);
  const ys = k.map((p) => p.y);
  const box = {
    x: Math.min(...xs),
    y: Math.min(...ys),
    w: Math.max(...xs) - Math.min(...xs),
    h: Math.max(...ys) - Math.min(...ys),
  };
  return { trackId, box, score: 0.6, keypoints: k, hits: 10, firstSeenMs: 0, history: [] };
}

/** Landmarks of a body made by `body()`, for placing wrists. */
export function landmarks(b: Body) {
  const t = b.torso ?? 50;
  const hipY = b.y - 1.9 * t;
  return {
    hipY,
    shY: hipY - t,
    rightHip: [b.x + 0.25 * t, hipY] as [number, number],
    head: [b.x + 0.1 * t, hipY - 1.7 * t] as [number, number],
    t,
  };
}
