import type { Box } from '../core/types';

/** 4 x 4 x 4 RGB bins for the upper body and the same for the legs. */
const BINS = 4;
const PART = BINS * BINS * BINS;
export const APPEARANCE_SIZE = 2 * PART;

/**
 * A colour signature of a person: RGB histograms of the torso and of the legs, from the central
 * strip of the box (less background). Clothing colours tell apart people whose boxes cross,
 * which box overlap alone cannot. Cheap: a few thousand pixels per person.
 */
export function appearanceOf(
  rgb: Uint8Array,
  width: number,
  height: number,
  box: Box,
): Float32Array {
  const hist = new Float32Array(APPEARANCE_SIZE);
  const x0 = Math.max(0, Math.floor(box.x + box.w * 0.25));
  const x1 = Math.min(width, Math.ceil(box.x + box.w * 0.75));
  const parts: [number, number, number][] = [
    [box.y + box.h * 0.15, box.y + box.h * 0.5, 0],
    [box.y + box.h * 0.5, box.y + box.h * 0.9, PART],
  ];
  const step = Math.max(1, Math.floor(Math.min(box.w, box.h) / 40));
  for (const [ya, yb, offset] of parts) {
    let n = 0;
    for (let y = Math.max(0, Math.floor(ya)); y < Math.min(height, Math.ceil(yb)); y += step) {
      for (let x = x0; x < x1; x += step) {
        const i = (y * width + x) * 3;
        const bin = ((rgb[i]! >> 6) * BINS + (rgb[i + 1]! >> 6)) * BINS + (rgb[i + 2]! >> 6);
        hist[offset + bin]! += 1;
        n++;
      }
    }
    if (n > 0) for (let b = 0; b < PART; b++) hist[offset + b]! /= n;
  }
  return hist;
}

/** 0 for the same colours, 1 for disjoint ones (Hellinger-style, averaged over both parts). */
export function appearanceDistance(a: Float32Array, b: Float32Array): number {
  let bc = 0;
  for (let i = 0; i < a.length; i++) bc += Math.sqrt(a[i]! * b[i]!);
  return Math.max(0, 1 - bc / 2);
}

/** Exponential moving average of a track's signature, in place. */
export function blendAppearance(into: Float32Array, next: Float32Array, keep: number): void {
  for (let i = 0; i < into.length; i++) into[i] = keep * into[i]! + (1 - keep) * next[i]!;
}
