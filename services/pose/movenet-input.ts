import type { RgbImage } from './pose-estimator';

/** Letterbox geometry: the image is scaled by `scale` into the top-left of the model input. */
export interface Letterbox {
  scale: number;
  width: number;
  height: number;
}

export function letterbox(
  img: { width: number; height: number },
  inW: number,
  inH: number,
): Letterbox {
  const scale = Math.min(inW / img.width, inH / img.height);
  return {
    scale,
    width: Math.max(1, Math.round(img.width * scale)),
    height: Math.max(1, Math.round(img.height * scale)),
  };
}

/** Bits of the fixed-point interpolation weights (1/256 steps). */
const WEIGHT_BITS = 8;
const ONE = 1 << WEIGHT_BITS;
const HALF = 1 << (2 * WEIGHT_BITS - 1);

/**
 * Source offsets and fixed-point weights of each output column (or row): the source coordinate is
 * d * scale (no half-pixel centres), blended between its floor and the next pixel.
 */
function samplingTable(outSize: number, inSize: number, scale: number, stride: number) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const w = new Int32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const f = d * scale;
    const f0 = Math.floor(f);
    lo[d] = f0 * stride;
    hi[d] = Math.min(inSize - 1, f0 + 1) * stride;
    w[d] = Math.round((f - f0) * ONE);
  }
  return { lo, hi, w };
}

/**
 * The model input of every engine: the image scaled (bilinear, in 8-bit fixed point) into the
 * top-left of an inW x inH x 3 int32 tensor, zeros elsewhere. `out` is reused when given (one per
 * engine: no allocation per frame).
 */
export function letterboxInput(
  image: RgbImage,
  inW: number,
  inH: number,
  out: Int32Array<ArrayBuffer> = new Int32Array(inW * inH * 3),
): { input: Int32Array<ArrayBuffer>; box: Letterbox } {
  const box = letterbox(image, inW, inH);
  const { width: sw, height: sh, rgb } = image;
  out.fill(0);
  if (box.width === sw && box.height === sh) {
    for (let y = 0; y < sh; y++) out.set(rgb.subarray(y * sw * 3, (y + 1) * sw * 3), y * inW * 3);
    return { input: out, box };
  }
  const cols = samplingTable(box.width, sw, sw / box.width, 3);
  const rows = samplingTable(box.height, sh, sh / box.height, sw * 3);
  for (let y = 0; y < box.height; y++) {
    const r0 = rows.lo[y]!;
    const r1 = rows.hi[y]!;
    const wy = rows.w[y]!;
    const vy = ONE - wy;
    let o = y * inW * 3;
    for (let x = 0; x < box.width; x++) {
      const c0 = cols.lo[x]!;
      const c1 = cols.hi[x]!;
      const wx = cols.w[x]!;
      const vx = ONE - wx;
      for (let c = 0; c < 3; c++) {
        const top = rgb[r0 + c0 + c]! * vx + rgb[r0 + c1 + c]! * wx;
        const bottom = rgb[r1 + c0 + c]! * vx + rgb[r1 + c1 + c]! * wx;
        out[o++] = (top * vy + bottom * wy + HALF) >> (2 * WEIGHT_BITS);
      }
    }
  }
  return { input: out, box };
}
