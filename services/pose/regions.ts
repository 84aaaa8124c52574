import type { Region, RgbImage } from './pose-estimator';

/** True when `r` is a whole-pixel rectangle inside the image. */
export function insideImage(r: Region, img: Pick<RgbImage, 'width' | 'height'>): boolean {
  const whole = [r.x, r.y, r.w, r.h].every(Number.isInteger);
  return (
    whole &&
    r.x >= 0 &&
    r.y >= 0 &&
    r.w > 0 &&
    r.h > 0 &&
    r.x + r.w <= img.width &&
    r.y + r.h <= img.height
  );
}

/** Copies `region` of a packed RGB image (all of it when undefined) into `out`, row by row. */
export function copyRegion(img: RgbImage, region: Region | undefined, out: Uint8Array): void {
  if (!region) {
    out.set(img.rgb);
    return;
  }
  const row = region.w * 3;
  for (let y = 0; y < region.h; y++) {
    const start = ((region.y + y) * img.width + region.x) * 3;
    out.set(img.rgb.subarray(start, start + row), y * row);
  }
}

/** A region of a packed RGB image as an image of its own (a copy). */
export function cropRgb(img: RgbImage, r: Region): RgbImage {
  const out = Buffer.allocUnsafe(r.w * r.h * 3);
  copyRegion(img, r, out);
  return { width: r.w, height: r.h, rgb: out };
}
