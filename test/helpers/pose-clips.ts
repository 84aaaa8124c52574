import type { PoseTracks } from '../../services/behaviour/pose-tracks';
import { body } from './poses';

type Kp = [number, number, number];

/** A clip of one person; `wrist(t)` places the right wrist (or leaves it swinging). */
export function clip(
  name: string,
  frames: number,
  fps: number,
  walk: number,
  wrist?: (t: number) => [number, number],
): PoseTracks {
  const keypoints: Kp[][] = [];
  for (let f = 0; f < frames; f++) {
    const t = f / fps;
    const x = 200 + walk * t;
    const swing: [number, number] = [
      x + 28 + 8 * Math.sin(t * 6),
      400 - 1.9 * 50 + 15 + 6 * Math.cos(t * 6),
    ];
    const p = body(1, {
      x,
      y: 400,
      torso: 50,
      rightWrist: wrist ? wrist(t) : swing,
      leftWrist: [x - 28 - 8 * Math.sin(t * 6), 400 - 1.9 * 50 + 15],
    });
    keypoints.push(p.keypoints.map((k) => [k.x + Math.sin(f * 1.7 + k.y) * 0.5, k.y, k.score]));
  }
  return {
    format: 'pose-tracks/v1',
    clip: name,
    fps,
    frameCount: frames + 5,
    keypoints: 'coco17',
    tracks: [{ id: '1', frames: keypoints.map((_, i) => i), keypoints }],
  };
}
