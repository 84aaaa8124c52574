import type { Box } from '../core/types';

/**
 * One MOTChallenge text line: `frame,id,x,y,w,h,score,-1,-1,-1`, pixels of the source frame,
 * `frame` 1-based, `id` -1 for raw detections.
 */
export function motLine(frame: number, id: number, box: Box, score: number): string {
  const f = (v: number) => (Math.round(v * 100) / 100).toString();
  return `${frame},${id},${f(box.x)},${f(box.y)},${f(box.w)},${f(box.h)},${score.toFixed(4)},-1,-1,-1`;
}

export function scaleBox(box: Box, sx: number, sy: number): Box {
  return { x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy };
}

/**
 * Maps the index of a frame emitted by ffmpeg's fps filter back to the 1-based index of the
 * decoded source frame (identity when every frame is analysed).
 */
export function sourceFrameNumber(
  index: number,
  sourceFps: number | undefined,
  analysisFps: number | undefined,
): number {
  if (analysisFps === undefined || sourceFps === undefined) return index + 1;
  return Math.round((index * sourceFps) / analysisFps) + 1;
}
