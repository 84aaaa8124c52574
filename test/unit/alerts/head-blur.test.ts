import { blurHeads, headRect, headRects } from '../../../services/alerts/head-blur';
import { body } from '../../helpers/poses';

describe('head blur', () => {
  test('the head from the face keypoints; with none seen, the top of the box', () => {
    const p = body(1, { x: 100, y: 300, torso: 50 });
    const r = headRect(p);
    const nose = p.keypoints[0]!;
    expect(nose.x).toBeGreaterThan(r.x);
    expect(nose.x).toBeLessThan(r.x + r.w);
    expect(nose.y).toBeGreaterThan(r.y);
    expect(nose.y).toBeLessThan(r.y + r.h);
    const faceless = {
      ...p,
      keypoints: p.keypoints.map((k, i) => (i < 5 ? { ...k, score: 0.1 } : k)),
    };
    expect(headRect(faceless)).toEqual({
      x: p.box.x,
      y: p.box.y,
      w: p.box.w,
      h: Math.min(p.box.h * 0.25, p.box.w * 1.2),
    });
  });

  test.each([
    ['confident face keypoints', 0.8, 1],
    ['unsure face keypoints (0.1): the box top and around them', 0.1, 2],
    ['no face keypoint at all: the box top', 0, 1],
  ])('the regions pixelated with %s', (_what, score, regions) => {
    const p = body(1, { x: 100, y: 300, torso: 50 });
    const seen = { ...p, keypoints: p.keypoints.map((k, i) => (i < 5 ? { ...k, score } : k)) };
    const rects = headRects(seen);
    expect(rects).toHaveLength(regions);
    const top = { x: p.box.x, y: p.box.y, w: p.box.w, h: Math.min(p.box.h * 0.25, p.box.w * 1.2) };
    if (score < 0.3) expect(rects[0]).toEqual(top);
    // Wherever the face keypoints were (however unsure), the nose is inside a pixelated region.
    const nose = p.keypoints[0]!;
    if (score > 0)
      expect(
        rects.some((r) => nose.x > r.x && nose.x < r.x + r.w && nose.y > r.y && nose.y < r.y + r.h),
      ).toBe(true);
  });

  test('pixelates only inside the heads, on a copy', () => {
    const W = 200;
    const H = 320;
    const rgb = Buffer.alloc(W * H * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) % 251; // noise-like texture
    const frame = { camera: 'c', index: 0, timestampMs: 0, width: W, height: H, rgb };
    const p = body(1, { x: 100, y: 300, torso: 50 });
    const out = blurHeads(frame, [p]);
    expect(frame.rgb).toBe(rgb);
    expect(rgb[0]).toBe(0); // the input is untouched
    const r = headRect(p);
    const at = (b: Buffer, x: number, y: number) => b[(y * W + x) * 3]!;
    let changedInside = 0;
    let changedOutside = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside =
          x >= Math.floor(r.x) && x < r.x + r.w && y >= Math.floor(r.y) && y < r.y + r.h;
        if (at(out.rgb, x, y) === at(rgb, x, y)) continue;
        if (inside) changedInside++;
        else changedOutside++;
      }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0.8 * r.w * r.h);
  });
});
