import type { Detection, Frame } from '../core/types';

const HEAD = [0, 1, 2, 3, 4]; // nose, eyes, ears (COCO-17)
const MIN_SCORE = 0.3;
/** A head keypoint this unsure still marks where a face may be (pixelated as well as the box top). */
const WEAK_SCORE = 0.05;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Where a person's head is, from the pose: around the nose, eyes and ears that were seen (sized
 * by the shoulders or the box, whichever is larger), else the top of the box. Generous on
 * purpose: a blur that misses a face fails its only job.
 */
export function headRect(p: Pick<Detection, 'box' | 'keypoints'>): Rect {
  const b = p.box;
  const seen = HEAD.map((i) => p.keypoints[i]).filter((k) => k && k.score >= MIN_SCORE);
  const ls = p.keypoints[5];
  const rs = p.keypoints[6];
  const shoulders =
    ls && rs && ls.score >= MIN_SCORE && rs.score >= MIN_SCORE ? Math.abs(ls.x - rs.x) : 0;
  if (seen.length === 0) {
    const h = Math.min(b.h * 0.25, b.w * 1.2);
    return { x: b.x, y: b.y, w: b.w, h };
  }
  const xs = seen.map((k) => k!.x);
  const ys = seen.map((k) => k!.y);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const size = Math.max(spread * 2.2, shoulders * 0.9, b.w * 0.45, 8);
  return { x: cx - size / 2, y: cy - size * 0.6, w: size, h: size * 1.2 };
}

/**
 * Every region that may hold a person's face: the head from confident keypoints; without them,
 * the top of the box, and around the unsure head keypoints too (a person half seen, turned away,
 * partly hidden). Pixelating a little too much costs nothing; a face left clear leaves the box.
 */
export function headRects(p: Pick<Detection, 'box' | 'keypoints'>): Rect[] {
  const confident = HEAD.some((i) => (p.keypoints[i]?.score ?? 0) >= MIN_SCORE);
  if (confident) return [headRect(p)];
  const top = headRect({ box: p.box, keypoints: [] });
  if (!HEAD.some((i) => (p.keypoints[i]?.score ?? 0) >= WEAK_SCORE)) return [top];
  // The unsure head keypoints, taken as seen.
  const keypoints = p.keypoints.map((k, i) =>
    i < 5 ? { ...k, score: k.score >= WEAK_SCORE ? 1 : 0 } : k,
  );
  return [top, headRect({ box: p.box, keypoints })];
}

/**
 * A copy of the frame with every person's head pixelated (blocks of about a fifth of the head,
 * at least 6 px): no face can be recognised, the posture still can. The frame is not changed.
 */
export function blurHeads(
  frame: Frame,
  people: readonly Pick<Detection, 'box' | 'keypoints'>[],
): Frame {
  const { width, height } = frame;
  const rgb = Buffer.from(frame.rgb);
  for (const r of people.flatMap(headRects)) {
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(width, Math.ceil(r.x + r.w));
    const y1 = Math.min(height, Math.ceil(r.y + r.h));
    if (x1 <= x0 || y1 <= y0) continue;
    const block = Math.max(6, Math.round(Math.min(x1 - x0, y1 - y0) / 5));
    for (let by = y0; by < y1; by += block)
      for (let bx = x0; bx < x1; bx += block) {
        const ex = Math.min(x1, bx + block);
        const ey = Math.min(y1, by + block);
        const sum = [0, 0, 0];
        for (let y = by; y < ey; y++)
          for (let x = bx; x < ex; x++) {
            const i = (y * width + x) * 3;
            sum[0]! += rgb[i]!;
            sum[1]! += rgb[i + 1]!;
            sum[2]! += rgb[i + 2]!;
          }
        const n = (ex - bx) * (ey - by);
        const avg = sum.map((s) => Math.round(s / n));
        for (let y = by; y < ey; y++)
          for (let x = bx; x < ex; x++) {
            const i = (y * width + x) * 3;
            rgb[i] = avg[0]!;
            rgb[i + 1] = avg[1]!;
            rgb[i + 2] = avg[2]!;
          }
      }
  }
  return { ...frame, rgb };
}
