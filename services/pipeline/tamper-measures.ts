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

/** The thumbnail's cells of a `grid` x `grid` division: first column, first row, width, height. */
function cellBox(grid: number, cell: number): [number, number, number, number] {
  const cw = THUMB_W / grid;
  const ch = THUMB_H / grid;
  return [(cell % grid) * cw, floor(cell / grid) * ch, cw, ch];
}

/** Mean and standard deviation of one cell of a thumbnail. */
function cellStats(a: Float32Array, grid: number, cell: number): [number, number] {
  const [x0, y0, cw, ch] = cellBox(grid, cell);
  let s = 0;
  let q = 0;
  for (let y = y0; y < y0 + ch; y++)
    for (let x = x0; x < x0 + cw; x++) {
      const v = a[y * THUMB_W + x]!;
      s += v;
      q += v * v;
    }
  const mean = s / (cw * ch);
  return [mean, sqrt(max(0, q / (cw * ch) - mean * mean))];
}

/**
 * Zero-mean normalised cross-correlation of one cell of two thumbnails (GRID x GRID cells unless
 * told): 1 for the same scene under any brightness and contrast, near 0 for a scene that moved;
 * NaN for a flat cell.
 */
export function cellMatch(a: Float32Array, b: Float32Array, cell: number, grid = GRID): number {
  const [x0, y0, cw, ch] = cellBox(grid, cell);
  const ma = cellStats(a, grid, cell)[0];
  const mb = cellStats(b, grid, cell)[0];
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

/** The blocked share is judged on this finer grid of the thumbnail (8x6 thumbnail pixels a cell). */
export const BLOCK_GRID = 8;
/** A cell darker than this in the reference has no light to lose; it is not judged. */
const LIT = 24;
/** A cell that kept under this share of its reference brightness, its scene lost, is blocked. */
const DARKENED = 0.6;
/** Or one that kept under this share of its reference contrast (and had some). */
const FLATTENED = 0.25;
const SOME_CONTRAST = 4;
/** Fewer lit cells than this in the reference: nothing to judge (a dark view). */
const MIN_LIT_CELLS = 16;

/**
 * Share of the lit picture blocked by something in front of the lens (a hand, a cloth, tape),
 * on a BLOCK_GRID grid of the thumbnails: a cell is blocked when it went flat, or when it went
 * much darker and its scene (its edges against the reference's, `edges`) no longer matches,
 * whatever its own texture. Lights dimmed keep the scene (not blocked); a moved view keeps its
 * brightness (not blocked); a dark hand or cloth does neither.
 */
export function blockedShare(
  thumb: Float32Array,
  ref: Float32Array,
  edges: [Float32Array, Float32Array],
  matchMin: number,
): number {
  let lit = 0;
  let blocked = 0;
  for (let c = 0; c < BLOCK_GRID * BLOCK_GRID; c++) {
    const [refMean, refStd] = cellStats(ref, BLOCK_GRID, c);
    if (refMean < LIT) continue;
    lit++;
    const [mean, std] = cellStats(thumb, BLOCK_GRID, c);
    if (refStd >= SOME_CONTRAST && std < FLATTENED * refStd) blocked++;
    else if (
      mean < DARKENED * refMean &&
      !(cellMatch(edges[0], edges[1], c, BLOCK_GRID) >= matchMin)
    )
      blocked++;
  }
  return lit >= MIN_LIT_CELLS ? blocked / lit : 0;
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
