import { decodeMultiPose } from '../../../services/pose/movenet';
import { letterbox } from '../../../services/pose/movenet-input';

test('letterbox keeps the aspect ratio inside the model input', () => {
  expect(letterbox({ width: 768, height: 576 }, 384, 288)).toEqual({
    scale: 0.5,
    width: 384,
    height: 288,
  });
  expect(letterbox({ width: 1920, height: 1080 }, 384, 288)).toEqual({
    scale: 0.2,
    width: 384,
    height: 216,
  });
});

test('MultiPose rows map back to image pixels through the letterbox; low scores are dropped', () => {
  const out = new Float32Array(6 * 56);
  const row = (
    p: number,
    kp: [number, number, number],
    box: [number, number, number, number, number],
  ) => {
    for (let k = 0; k < 17; k++) out.set(kp, p * 56 + k * 3);
    out.set(box, p * 56 + 51);
  };
  // 1920x1080 into 384x288: scale 0.2, image occupies rows 0..216 of 288.
  row(0, [0.5, 0.25, 0.9], [0.25, 0.125, 0.5, 0.25, 0.8]);
  row(1, [0.1, 0.1, 0.9], [0.1, 0.1, 0.2, 0.2, 0.05]);
  const lb = letterbox({ width: 1920, height: 1080 }, 384, 288);
  const people = decodeMultiPose(out, 384, 288, lb, 0.1);
  expect(people).toHaveLength(1);
  const p = people[0]!;
  expect(p.score).toBeCloseTo(0.8);
  expect(p.box.x).toBeCloseTo((0.125 * 384) / 0.2);
  expect(p.box.y).toBeCloseTo((0.25 * 288) / 0.2);
  expect(p.box.w).toBeCloseTo((0.125 * 384) / 0.2);
  expect(p.box.h).toBeCloseTo((0.25 * 288) / 0.2);
  expect(p.keypoints).toHaveLength(17);
  expect(p.keypoints[0]).toEqual({
    x: expect.closeTo(480),
    y: expect.closeTo(720),
    score: expect.closeTo(0.9),
  });
});
