import { cropRect } from '../../../services/alerts/person-crop';

test.each([
  ['a small person mid-frame', { x: 400, y: 200, w: 30, h: 80 }, 768, 576],
  ['a person at the left edge', { x: 0, y: 300, w: 40, h: 100 }, 768, 576],
  ['a person at the bottom right', { x: 740, y: 500, w: 28, h: 76 }, 768, 576],
  ['a person taller than the frame allows', { x: 10, y: 0, w: 60, h: 64 }, 64, 64],
  ['a wide box', { x: 100, y: 100, w: 200, h: 60 }, 768, 576],
])('cropRect: %s stays inside the frame and holds the whole box', (_n, box, fw, fh) => {
  const r = cropRect(box, fw, fh);
  expect(r.left).toBeGreaterThanOrEqual(0);
  expect(r.top).toBeGreaterThanOrEqual(0);
  expect(r.left + r.width).toBeLessThanOrEqual(fw);
  expect(r.top + r.height).toBeLessThanOrEqual(fh);
  if (box.h < fh * 0.6) {
    expect(r.top).toBeLessThanOrEqual(box.y);
    expect(r.top + r.height).toBeGreaterThanOrEqual(Math.min(fh, box.y + box.h));
    expect(r.left).toBeLessThanOrEqual(box.x);
    expect(r.left + r.width).toBeGreaterThanOrEqual(Math.min(fw, box.x + box.w));
    // A standing person fills most of it: at least half its height.
    if (box.h > box.w) expect(box.h / r.height).toBeGreaterThan(0.5);
  }
});
