import { iou } from '../core/geometry';
import type { Box, Detection } from '../core/types';

function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return Math.max(0, w) * Math.max(0, h);
}

/**
 * Greedy non-maximum suppression across model runs (tiles, full frame): the best-scored box of
 * a person wins; a box that overlaps it (IoU) or lies mostly inside it (a person cut by a tile
 * edge) is dropped.
 */
export function mergeDetections(
  dets: readonly Detection[],
  iouThreshold = 0.5,
  containment = 0.7,
): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const keep: Detection[] = [];
  for (const d of sorted) {
    const dup = keep.some((k) => {
      if (iou(k.box, d.box) > iouThreshold) return true;
      const smaller = Math.min(k.box.w * k.box.h, d.box.w * d.box.h);
      return smaller > 0 && intersection(k.box, d.box) / smaller > containment;
    });
    if (!dup) keep.push(d);
  }
  return keep;
}
