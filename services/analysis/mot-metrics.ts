import { iou } from '../core/geometry';
import { assign } from '../core/hungarian';
import type { Box } from '../core/types';

/** One row of a MOTChallenge file. `active` false: an ignored ground-truth box (flag 0). */
export interface MotRow extends Box {
  frame: number;
  id: number;
  score: number;
  active: boolean;
}

export interface MotMetrics {
  frames: number;
  gt: number;
  hyp: number;
  matches: number;
  fp: number;
  fn: number;
  idsw: number;
  recall: number;
  precision: number;
  mota: number;
  idtp: number;
  idf1: number;
}

export interface MotOptions {
  /** A pair counts when IoU >= this (py-motmetrics: distance 1 - IoU <= 0.5). */
  iouThreshold?: number;
  /** Only frames in [first, last] are scored. */
  frames?: [number, number];
}

/** Parses MOTChallenge text (`frame,id,x,y,w,h,flag|score,...`). In ground truth, flag 0 = ignore. */
export function parseMot(text: string, isGroundTruth: boolean): MotRow[] {
  const rows: MotRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const v = line.split(',').map(Number);
    if (v.length < 6 || v.slice(0, 6).some((n) => !Number.isFinite(n)))
      throw new Error(`bad MOT line: ${line}`);
    const score = v[6] ?? 1;
    rows.push({
      frame: v[0]!,
      id: v[1]!,
      x: v[2]!,
      y: v[3]!,
      w: v[4]!,
      h: v[5]!,
      score,
      active: !(isGroundTruth && score === 0),
    });
  }
  return rows;
}

function byFrame(rows: readonly MotRow[]): Map<number, MotRow[]> {
  const m = new Map<number, MotRow[]>();
  for (const r of rows) {
    const list = m.get(r.frame);
    if (list) list.push(r);
    else m.set(r.frame, [r]);
  }
  return m;
}

/**
 * Hypotheses that sit on an ignored ground-truth box are neither hits nor false positives: they
 * are removed (one-to-one, by best overlap) before scoring, with the ignored boxes.
 */
function dropIgnored(gt: MotRow[], hyp: MotRow[], thr: number): { gt: MotRow[]; hyp: MotRow[] } {
  const ignored = gt.filter((g) => !g.active);
  if (ignored.length === 0 || hyp.length === 0) return { gt, hyp };
  const cost = ignored.map((g) => hyp.map((h) => (iou(g, h) >= thr ? 1 - iou(g, h) : NaN)));
  const gone = new Set(assign(cost).map(([, j]) => j));
  return { gt: gt.filter((g) => g.active), hyp: hyp.filter((_, j) => !gone.has(j)) };
}

/**
 * CLEAR-MOT and IDF1 as py-motmetrics computes them: per frame, last frame's correspondences are
 * kept while still valid (IoU >= threshold) and the object was matched when last seen; the rest
 * are assigned by minimum total distance; a switch is an object matched to a different hypothesis
 * than its last one. IDF1 comes from a global one-to-one id matching maximising IDTP.
 */
export function evaluateMot(
  gtRows: readonly MotRow[],
  hypRows: readonly MotRow[],
  opts: MotOptions = {},
): MotMetrics {
  const thr = opts.iouThreshold ?? 0.5;
  const inRange = (r: MotRow) =>
    !opts.frames || (r.frame >= opts.frames[0] && r.frame <= opts.frames[1]);
  const gtF = byFrame(gtRows.filter(inRange));
  const hypF = byFrame(hypRows.filter(inRange));
  const frames = [...new Set([...gtF.keys(), ...hypF.keys()])].sort((a, b) => a - b);
  const last = new Map<number, number>(); // object -> last matched hypothesis
  const matchedWhenLastSeen = new Map<number, boolean>();
  const idPairs = new Map<string, number>(); // "o,h" -> frames with a valid pair
  const gtCount = new Map<number, number>();
  const hypCount = new Map<number, number>();
  let gtN = 0;
  let hypN = 0;
  let matches = 0;
  let idsw = 0;
  for (const f of frames) {
    const { gt, hyp } = dropIgnored(gtF.get(f) ?? [], hypF.get(f) ?? [], thr);
    gtN += gt.length;
    hypN += hyp.length;
    gt.forEach((g) => gtCount.set(g.id, (gtCount.get(g.id) ?? 0) + 1));
    hyp.forEach((h) => hypCount.set(h.id, (hypCount.get(h.id) ?? 0) + 1));
    const dist = gt.map((g) =>
      hyp.map((h) => {
        const v = iou(g, h);
        return v >= thr ? 1 - v : NaN;
      }),
    );
    gt.forEach((g, i) =>
      hyp.forEach((h, j) => {
        if (!Number.isNaN(dist[i]![j]!))
          idPairs.set(`${g.id},${h.id}`, (idPairs.get(`${g.id},${h.id}`) ?? 0) + 1);
      }),
    );
    const gtDone = new Set<number>();
    const hypDone = new Set<number>();
    gt.forEach((g, i) => {
      const prev = last.get(g.id);
      if (prev === undefined || !matchedWhenLastSeen.get(g.id)) return;
      const j = hyp.findIndex((h, jj) => h.id === prev && !hypDone.has(jj));
      if (j < 0 || Number.isNaN(dist[i]![j]!)) return;
      gtDone.add(i);
      hypDone.add(j);
      matches++;
    });
    const freeG = gt.map((_, i) => i).filter((i) => !gtDone.has(i));
    const freeH = hyp.map((_, j) => j).filter((j) => !hypDone.has(j));
    for (const [a, b] of assign(freeG.map((i) => freeH.map((j) => dist[i]![j]!)))) {
      const g = gt[freeG[a]!]!;
      const h = hyp[freeH[b]!]!;
      const prev = last.get(g.id);
      if (prev !== undefined && prev !== h.id) idsw++;
      last.set(g.id, h.id);
      gtDone.add(freeG[a]!);
      matches++;
    }
    gt.forEach((g, i) => matchedWhenLastSeen.set(g.id, gtDone.has(i)));
  }
  const idtp = globalIdTp(idPairs, [...gtCount.keys()], [...hypCount.keys()]);
  const fp = hypN - matches;
  const fn = gtN - matches;
  return {
    frames: frames.length,
    gt: gtN,
    hyp: hypN,
    matches,
    fp,
    fn,
    idsw,
    recall: gtN === 0 ? 0 : matches / gtN,
    precision: hypN === 0 ? 0 : matches / hypN,
    mota: gtN === 0 ? 0 : 1 - (fn + fp + idsw) / gtN,
    idtp,
    idf1: gtN + hypN === 0 ? 0 : (2 * idtp) / (gtN + hypN),
  };
}

function globalIdTp(pairs: Map<string, number>, gtIds: number[], hypIds: number[]): number {
  // Every pair is allowed (a pair never seen together is worth 0): the most IDTP wins, not the
  // most pairs.
  const cost = gtIds.map((o) => hypIds.map((h) => -(pairs.get(`${o},${h}`) ?? 0)));
  return assign(cost).reduce((s, [i, j]) => s - cost[i]![j]!, 0);
}
