import sharp from 'sharp';
import type { Box } from '../core/types';

/** The person crop's shape: portrait 3:4, the person about 60 % of its height. */
const ASPECT = 3 / 4;
const PERSON_SHARE = 0.62;
/** Output size: enough for a phone's card at 2x, small enough for a push image. */
export const CROP_HEIGHT = 480;

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The region around a person in a frame: centred on their box, portrait, clamped inside the frame
 * (shifted rather than cut, smaller only when the frame itself is).
 */
export function cropRect(box: Box, frameWidth: number, frameHeight: number): CropRect {
  let height = Math.max(box.h / PERSON_SHARE, (box.w / ASPECT) * 1.15, 48);
  let width = height * ASPECT;
  if (height > frameHeight) {
    height = frameHeight;
    width = Math.min(frameWidth, height * ASPECT);
  }
  if (width > frameWidth) {
    width = frameWidth;
    height = Math.min(frameHeight, width / ASPECT);
  }
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  return {
    left: clamp(Math.round(cx - w / 2), 0, frameWidth - w),
    top: clamp(Math.round(cy - h / 2), 0, frameHeight - h),
    width: w,
    height: h,
  };
}

/**
 * The person's crop as JPEG, cut from the snapshot's composed picture (heads already pixelated,
 * the zone outline and the person's box drawn) and scaled to CROP_HEIGHT.
 */
export async function personCrop(
  composedRgb: Buffer,
  frameWidth: number,
  frameHeight: number,
  box: Box,
  quality: number,
): Promise<Buffer> {
  const r = cropRect(box, frameWidth, frameHeight);
  return sharp(composedRgb, { raw: { width: frameWidth, height: frameHeight, channels: 3 } })
    .extract(r)
    .resize({ height: CROP_HEIGHT, kernel: 'lanczos3' })
    .jpeg({ quality })
    .toBuffer();
}
