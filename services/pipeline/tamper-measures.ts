/**
 * What a camera's picture looks like, cheaply: luminance sampled on every other row and column,
 * as a 64x48 thumbnail, its brightness, contrast, clipped and dark fractions, and per cell of a
 * 4x4 grid, the local contrast and the sharpness (edge energy between neighbouring full-resolution
 * pixels over that contrast: a change of light scales both, a blur lowers only the edges).
 */
export const GRID = 4;
export const THUMB_W = 64;
export const THUMB_H = 48;
/** Luminance at or above this is clipped (blinded); at or below DARK, black. */
const CLIPPED = 235;
const DARK = 20;

export interface TamperMeasures {
  brightness: number;
  contrast: number;
  /** Share of the picture clipped to white, and black. */
  clipped: number;
  dark: number;
  /** Per cell, row by row: std of luminance, and edge energy / (std + 1). */
  cellContrast: Float32Array;
  cellSharpness: Float32Array;
  /** Luminance, THUMB_W x THUMB_H, row by row. */
  thumb: Float32Array;
}

// Bound once: in a vm context (jest) every global lookup in a hot loop goes through an interceptor.
const { abs, floor, min, sqrt, max } = Math;

const luma = (px: Uint8Array, i: number) => (px[i]! * 77 + px[i + 1]! * 150 + px[i + 2]! * 29) >> 8;

export function measure(frame: Buffer, width: number, height: number): TamperMeasures {
  // A plain byte view of the frame (no Buffer methods needed).
  const rgb = new Uint8Array(frame.buffer, frame.byteOffset, frame.length);
  const cells = GRID * GRID;
  const sum = new Float64Array(cells);
  const sq = new Float64Array(cells);
  const edge = new Float64Array(cells);
  const n = new Float64Array(cells);
  const thumb = new Float32Array(THUMB_W * THUMB_H);
  const thumbN = new Float32Array(THUMB_W * THUMB_H);
  let total = 0;
  let totalSq = 0;
  let clipped = 0;
  let dark = 0;
  let count = 0;
  for (let y = 0; y + 1 < height; y += 2) {
    const cy = min(GRID - 1, floor((y * GRID) / height));
    const ty = min(THUMB_H - 1, floor((y * THUMB_H) / height));
    for (let x = 0; x + 1 < width; x += 2) {
      const i = (y * width + x) * 3;
      const v = luma(rgb, i);
      const dx = abs(luma(rgb, i + 3) - v);
      const dy = abs(luma(rgb, i + width * 3) - v);
      const c = cy * GRID + min(GRID - 1, floor((x * GRID) / width));
      sum[c]! += v;
      sq[c]! += v * v;
      edge[c]! += dx + dy;
      n[c]!++;
      const t = ty * THUMB_W + min(THUMB_W - 1, floor((x * THUMB_W) / width));
      thumb[t]! += v;
      thumbN[t]!++;
      total += v;
      totalSq += v * v;
      if (v >= CLIPPED) clipped++;
      if (v <= DARK) dark++;
      count++;
    }
  }
  for (let t = 0; t < thumb.length; t++) thumb[t] = thumbN[t]! > 0 ? thumb[t]! / thumbN[t]! : 0;
  const cellContrast = new Float32Array(cells);
  const cellSharpness = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const k = max(1, n[c]!);
    const mean = sum[c]! / k;
    const std = sqrt(max(0, sq[c]! / k - mean * mean));
    cellContrast[c] = std;
    cellSharpness[c] = edge[c]! / k / (std + 1);
  }
  const mean = total / max(1, count);
  return {
    brightness: mean,
    contrast: sqrt(max(0, totalSq / max(1, count) - mean * mean)),
    clipped: clipped / max(1, count),
    dark: dark / max(1, count),
    cellContrast,
    cellSharpness,
    thumb,
  };
}

/**
 * Zero-mean normalised cross-correlation of one grid cell of two thumbnails: 1 for the same
 * scene under any brightness and contrast, near 0 for a scene that moved; NaN for a flat cell.
 */
export function cellMatch(a: Float32Array, b: Float32Array, cell: number): number {
  const cw = THUMB_W / GRID;
  const ch = THUMB_H / GRID;
  const x0 = (cell % GRID) * cw;
  const y0 = floor(cell / GRID) * ch;
  let ma = 0;
  let mb = 0;
  for (let y = y0; y < y0 + ch; y++)
    for (let x = x0; x < x0 + cw; x++) {
      ma += a[y * THUMB_W + x]!;
      mb += b[y * THUMB_W + x]!;
    }
  ma /= cw * ch;
  mb /= cw * ch;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let y = y0; y < y0 + ch; y++)
    for (let x = x0; x < x0 + cw; x++) {
      const da = a[y * THUMB_W + x]! - ma;
      const db = b[y * THUMB_W + x]! - mb;
      ab += da * db;
      aa += da * da;
      bb += db * db;
    }
  return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : Number.NaN;
}

/**
 * The thumbnail's edges (sum of absolute differences to the right and below neighbours): the
 * scene's structure, which a shifted view displaces and a change of light only rescales.
 */
export function edgeMap(thumb: Float32Array): Float32Array {
  const out = new Float32Array(thumb.length);
  for (let y = 0; y < THUMB_H; y++)
    for (let x = 0; x < THUMB_W; x++) {
      const i = y * THUMB_W + x;
      const dx = x + 1 < THUMB_W ? abs(thumb[i + 1]! - thumb[i]!) : 0;
      const dy = y + 1 < THUMB_H ? abs(thumb[i + THUMB_W]! - thumb[i]!) : 0;
      out[i] = dx + dy;
    }
  return out;
}
