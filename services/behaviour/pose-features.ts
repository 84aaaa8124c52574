/**
 * Pose features that do not depend on the camera: each person's keypoints centred on their hips
 * and scaled by their torso length, so a near and a far person, or two cameras, look alike.
 */
export type Pose = readonly (readonly [number, number, number])[];

const L_SH = 5;
const R_SH = 6;
const L_HIP = 11;
const R_HIP = 12;
export const MIN_KP_SCORE = 0.1;

export const FRAME_FEATURES = 17 * 2 + 2;

function mid(p: Pose, a: number, b: number): [number, number] | undefined {
  const ka = p[a]!;
  const kb = p[b]!;
  const ok = (k: readonly number[]) => k[2]! >= MIN_KP_SCORE;
  if (ok(ka) && ok(kb)) return [(ka[0]! + kb[0]!) / 2, (ka[1]! + kb[1]!) / 2];
  if (ok(ka)) return [ka[0]!, ka[1]!];
  if (ok(kb)) return [kb[0]!, kb[1]!];
  return undefined;
}

/** Centre (hips, else shoulders, else visible points) and scale (torso, else extent) of a pose. */
export function poseFrame(p: Pose): { cx: number; cy: number; scale: number } | undefined {
  const visible = p.filter((k) => k[2] >= MIN_KP_SCORE);
  if (visible.length < 4) return undefined;
  const hip = mid(p, L_HIP, R_HIP);
  const sh = mid(p, L_SH, R_SH);
  const ys = visible.map((k) => k[1]);
  const extent = Math.max(...ys) - Math.min(...ys);
  const torso = hip && sh ? Math.hypot(hip[0] - sh[0], hip[1] - sh[1]) : extent / 3;
  const c = hip ??
    sh ?? [
      visible.reduce((s, k) => s + k[0], 0) / visible.length,
      visible.reduce((s, k) => s + k[1], 0) / visible.length,
    ];
  return { cx: c[0], cy: c[1], scale: Math.max(torso, extent / 4, 1) };
}

/**
 * Features of one person in one frame: 17 normalised (x, y) (0 where unseen) and the motion of
 * the centre since the previous pose, in torso lengths per second.
 */
export function frameFeatures(
  p: Pose,
  prev: Pose | undefined,
  dtS: number,
  out: Float32Array,
  offset: number,
): boolean {
  const f = poseFrame(p);
  if (!f) return false;
  for (let k = 0; k < 17; k++) {
    const kp = p[k]!;
    const seen = kp[2] >= MIN_KP_SCORE;
    out[offset + 2 * k] = seen ? clamp((kp[0] - f.cx) / f.scale) : 0;
    out[offset + 2 * k + 1] = seen ? clamp((kp[1] - f.cy) / f.scale) : 0;
  }
  const pf = prev ? poseFrame(prev) : undefined;
  out[offset + 34] = pf && dtS > 0 ? clamp((f.cx - pf.cx) / f.scale / dtS / 4) : 0;
  out[offset + 35] = pf && dtS > 0 ? clamp((f.cy - pf.cy) / f.scale / dtS / 4) : 0;
  return true;
}

const clamp = (v: number) => Math.max(-4, Math.min(4, v));

/** Mean keypoint speed of a track in torso lengths per second (the trivial baseline score). */
export function meanKeypointSpeed(a: Pose, b: Pose, dtS: number): number {
  const f = poseFrame(b);
  if (!f || dtS <= 0) return 0;
  let sum = 0;
  let n = 0;
  for (let k = 0; k < 17; k++) {
    if (a[k]![2] < MIN_KP_SCORE || b[k]![2] < MIN_KP_SCORE) continue;
    sum += Math.hypot(b[k]![0] - a[k]![0], b[k]![1] - a[k]![1]);
    n++;
  }
  return n === 0 ? 0 : sum / n / f.scale / dtS;
}
