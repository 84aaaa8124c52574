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

/** Rounds half to even, as tfjs's `round` does. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The model input of every engine: the image scaled (bilinear, tfjs's `resizeBilinear` without
 * half-pixel centres, then rounded) into the top-left of an inW x inH x 3 int32 tensor, zeros
 * elsewhere. `out` is reused when given (one per engine: no allocation per frame).
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
    for (let y = 0; y < sh; y++) {
      for (let i = 0; i < sw * 3; i++) out[y * inW * 3 + i] = rgb[y * sw * 3 + i]!;
    }
    return { input: out, box };
  }
  const sy = sh / box.height;
  const sx = sw / box.width;
  for (let y = 0; y < box.height; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, Math.ceil(fy));
    const wy = fy - y0;
    for (let x = 0; x < box.width; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, Math.ceil(fx));
      const wx = fx - x0;
      const o = (y * inW + x) * 3;
      for (let c = 0; c < 3; c++) {
        const tl = rgb[(y0 * sw + x0) * 3 + c]!;
        const tr = rgb[(y0 * sw + x1) * 3 + c]!;
        const bl = rgb[(y1 * sw + x0) * 3 + c]!;
        const br = rgb[(y1 * sw + x1) * 3 + c]!;
        const top = tl + (tr - tl) * wx;
        const bottom = bl + (br - bl) * wx;
        out[o + c] = roundHalfEven(top + (bottom - top) * wy);
      }
    }
  }
  return { input: out, box };
}
