import { meanKeypointSpeed } from '../services/behaviour/pose-features';
import type { Pose } from '../services/behaviour/pose-features';
import type { PoseTracks } from '../services/behaviour/pose-tracks';

/** The baseline of ../shared/README.md: the fastest person's mean keypoint speed per frame. */
export function speedScores(doc: PoseTracks): Float32Array {
  const s = new Float32Array(doc.frameCount);
  for (const t of doc.tracks) {
    for (let i = 1; i < t.frames.length; i++) {
      const dt = (t.frames[i]! - t.frames[i - 1]!) / doc.fps;
      const v = meanKeypointSpeed(t.keypoints[i - 1] as Pose, t.keypoints[i] as Pose, dt);
      const f = t.frames[i]!;
      if (v > s[f]!) s[f] = v;
    }
  }
  return s;
}
