/** How far one MoveNet MultiPose output [1, 6, 56] is from another, person by person. */
export interface PoseDiff {
  /** People of the reference at or above the score threshold. */
  people: number;
  /** Reference people with no match (box IoU >= 0.5, score >= threshold) in the other. */
  lost: number;
  /** People of the other with no reference match. */
  gained: number;
  maxScoreDiff: number;
  /** Keypoint distances (pixels of the model input) over matched people's keypoints. */
  kptPxSum: number;
  kptCount: number;
  maxKptPx: number;
}

const ROW = 56;

interface Person {
  score: number;
  box: [number, number, number, number];
  kpts: [number, number][];
}

function people(out: Float32Array, w: number, h: number, minScore: number): Person[] {
  const list: Person[] = [];
  for (let o = 0; o + ROW <= out.length; o += ROW) {
    if (out[o + 55]! < minScore) continue;
    const kpts = Array.from(
      { length: 17 },
      (_, k) => [out[o + 3 * k + 1]! * w, out[o + 3 * k]! * h] as [number, number],
    );
    const box = [
      out[o + 52]! * w,
      out[o + 51]! * h,
      out[o + 54]! * w,
      out[o + 53]! * h,
    ] as Person['box'];
    list.push({ score: out[o + 55]!, box, kpts });
  }
  return list;
}

function iou(a: Person['box'], b: Person['box']): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (r: Person['box']) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / Math.max(1e-9, area(a) + area(b) - inter);
}

export function comparePoses(
  ref: Float32Array,
  other: Float32Array,
  w: number,
  h: number,
  minScore = 0.15,
): PoseDiff {
  const a = people(ref, w, h, minScore);
  const b = people(other, w, h, minScore);
  const used = new Set<number>();
  const d: PoseDiff = {
    people: a.length,
    lost: 0,
    gained: 0,
    maxScoreDiff: 0,
    kptPxSum: 0,
    kptCount: 0,
    maxKptPx: 0,
  };
  for (const p of a) {
    let best = -1;
    let bestIou = 0.5;
    b.forEach((q, j) => {
      const v = iou(p.box, q.box);
      if (!used.has(j) && v >= bestIou) [best, bestIou] = [j, v];
    });
    if (best < 0) {
      d.lost++;
      continue;
    }
    used.add(best);
    const q = b[best]!;
    d.maxScoreDiff = Math.max(d.maxScoreDiff, Math.abs(p.score - q.score));
    p.kpts.forEach(([x, y], k) => {
      const dist = Math.hypot(x - q.kpts[k]![0], y - q.kpts[k]![1]);
      d.kptPxSum += dist;
      d.kptCount++;
      d.maxKptPx = Math.max(d.maxKptPx, dist);
    });
  }
  d.gained = b.length - used.size;
  return d;
}
