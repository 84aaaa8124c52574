import { observedVelocity, Track, VELOCITY_WINDOW_MS } from '../../../services/tracking/track';
import type { Detection, PoseSample } from '../../../services/core/types';

const sample = (ms: number, x: number, y = 100, w = 30): PoseSample => ({
  timestampMs: ms,
  box: { x, y, w, h: 80 },
  score: 0.5,
  keypoints: [],
});

const det = (x: number, w = 30): Detection => ({
  box: { x, y: 100, w, h: 80 },
  score: 0.5,
  keypoints: [],
});

describe('observedVelocity', () => {
  test('fits the centres on their own timestamps, whatever the gaps between model runs', () => {
    // 50 px/s right and 20 px/s down, seen at uneven gaps (0.3 s, then 0.5 s).
    const h = [0, 300, 800].map((ms) => sample(ms, 100 + ms / 20, 100 + ms / 50));
    const v = observedVelocity(h, 800);
    expect(v.vx).toBeCloseTo(50, 6);
    expect(v.vy).toBeCloseTo(20, 6);
  });

  test('only the last VELOCITY_WINDOW_MS count: an old sighting far away does not swing it', () => {
    const h = [sample(0, 900), ...[2000, 2400, 2800].map((ms) => sample(ms, ms / 10))];
    expect(2800 - 2000).toBeLessThanOrEqual(VELOCITY_WINDOW_MS);
    expect(observedVelocity(h, 2800).vx).toBeCloseTo(100, 6);
  });

  test('without sure keypoints, a box that changes width moves its centre, not its edge', () => {
    // The left edge stays, the box widens by 20 px in 0.4 s: the centre moves at 25 px/s.
    const h = [sample(0, 100, 100, 30), sample(400, 100, 100, 50)];
    expect(observedVelocity(h, 400).vx).toBeCloseTo(25, 6);
  });

  test('with sure keypoints the body is followed: an arm swung out that widens the box is no motion', () => {
    const body = [
      { x: 115, y: 120, score: 0.9 },
      { x: 115, y: 170, score: 0.8 },
      { x: 400, y: 10, score: 0.1 }, // unsure: ignored
    ];
    const arm = { x: 145, y: 130, score: 0.05 }; // the swung arm, barely seen
    const h = [
      { ...sample(0, 100, 100, 30), keypoints: body },
      { ...sample(400, 100, 100, 50), keypoints: [...body, arm] },
    ];
    expect(observedVelocity(h, 400)).toEqual({ vx: 0, vy: 0 });
    // One sample without a sure keypoint: box centres for all (no mixing of the two points).
    const mixed = [h[0]!, { ...h[1]!, keypoints: [arm] }];
    expect(observedVelocity(mixed, 400).vx).toBeCloseTo(25, 6);
  });

  test('from the last two when fewer fall in the window; 0 from a single sighting', () => {
    expect(observedVelocity([sample(0, 100), sample(3000, 400)], 3000).vx).toBeCloseTo(100, 6);
    expect(observedVelocity([sample(0, 100)], 0)).toEqual({ vx: 0, vy: 0 });
    expect(observedVelocity([sample(0, 100), sample(0, 120)], 0)).toEqual({ vx: 0, vy: 0 });
  });
});

describe('Track.extrapolated', () => {
  test('moves the last box at the observed velocity and holds its size', () => {
    const t = new Track(1, det(100, 30), 0, 16);
    t.update(det(130, 40), 400, 2); // centre 115 -> 150: 87.5 px/s
    const b = t.extrapolated(600);
    expect(b.w).toBe(40);
    expect(b.h).toBe(80);
    expect(b.x + b.w / 2).toBeCloseTo(150 + 87.5 * 0.2, 6);
    expect(b.y).toBe(100);
  });

  test('a track seen once stays where it was seen', () => {
    const t = new Track(1, det(100), 0, 16);
    expect(t.extrapolated(500)).toEqual(det(100).box);
  });
});
