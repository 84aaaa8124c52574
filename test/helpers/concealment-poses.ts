import type { ConcealmentRule } from '../../services/behaviour/concealment';
import type { RuleEvent } from '../../services/behaviour/rule-event';
import type { Keypoint, PoseSample } from '../../services/core/types';
import { body, landmarks } from './poses';
import type { Body } from './poses';

/** The body the concealment tests stand: feet at (300, 400), a 50 px torso. */
export const STAND: Body = { x: 300, y: 400, torso: 50 };

/** A person of `b`, optionally looking down (nose below the shoulder line) and a wrist's score. */
export function pose(b: Body, opts: { headDown?: boolean; wristScore?: number } = {}): Keypoint[] {
  const k = body(1, b).keypoints.map((p) => ({ ...p }));
  const L = landmarks(b);
  if (opts.headDown) k[0] = { x: b.x, y: L.shY + 0.15 * L.t, score: 0.8 };
  if (opts.wristScore !== undefined) k[10] = { ...k[10]!, score: opts.wristScore };
  return k;
}

/** Both hands together at the waist band, elbows folded, head down, the right hand half out of sight: hiding something. */
export function concealing(b: Body = STAND, wristScore = 0.4): Keypoint[] {
  const L = landmarks(b);
  const k = pose(
    { ...b, leftWrist: [b.x - 0.1 * L.t, L.hipY], rightWrist: [b.x + 0.1 * L.t, L.hipY] },
    { headDown: true, wristScore },
  );
  // Elbows out to the side, so each forearm folds back to the belly.
  k[7] = { x: b.x - 0.6 * L.t, y: L.shY + 0.7 * L.t, score: 0.8 };
  k[8] = { x: b.x + 0.6 * L.t, y: L.shY + 0.7 * L.t, score: 0.8 };
  return k;
}

/** The right arm held out to the side at chest height: a reach with no shelf zone drawn. */
export function armOut(b: Body = STAND): Keypoint[] {
  const L = landmarks(b);
  return pose({ ...b, rightWrist: [b.x + 1.1 * L.t, L.shY + 0.3 * L.t] });
}

/** Plays (seconds, pose) segments of one person at 5 fps through `rule`; the events it gave. */
export function playConcealment(
  rule: ConcealmentRule,
  segments: [number, () => Keypoint[]][],
): RuleEvent[] {
  const history: PoseSample[] = [];
  const events: RuleEvent[] = [];
  let t = 1_000_000;
  for (const [secs, kps] of segments)
    for (let i = 0; i < secs * 5; i++) {
      const p = { ...body(1, STAND), keypoints: kps() };
      history.push({ timestampMs: t, box: p.box, score: p.score, keypoints: p.keypoints });
      events.push(...rule.evaluate({ tracks: [{ ...p, history: [...history] }], nowMs: t }));
      t += 200;
    }
  return events;
}
