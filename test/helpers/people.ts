import type { Keypoint, TrackedPerson } from '../../services/core/types';

/** A standing person whose feet are at (footX, footY), in pixels; ankles visible. */
export function personAt(
  trackId: number,
  footX: number,
  footY: number,
  height = 80,
  score = 0.5,
): TrackedPerson {
  const w = height * 0.4;
  const keypoints: Keypoint[] = Array.from({ length: 17 }, () => ({
    x: footX,
    y: footY - height / 2,
    score: 0.6,
  }));
  keypoints[15] = { x: footX - 4, y: footY, score: 0.7 };
  keypoints[16] = { x: footX + 4, y: footY, score: 0.7 };
  return {
    trackId,
    box: { x: footX - w / 2, y: footY - height, w, h: height },
    score,
    keypoints,
    hits: 10,
    firstSeenMs: 0,
    history: [],
  };
}
