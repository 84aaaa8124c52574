import { parseConfig } from '../../../services/config/load';
import type { Frame } from '../../../services/core/types';
import { TamperWatch } from '../../../services/pipeline/tamper-watch';
import type { TamperNotice } from '../../../services/pipeline/tamper-watch';

const W = 160;
const H = 120;

/** A textured scene (blocks of fixed pseudo-random grey levels). */
function paintScene(rgb: Buffer): void {
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = ((Math.floor(x / 6) * 7919 + Math.floor(y / 6) * 104729) % 97) * 2 + 30;
      rgb.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
}

test("a tamper alert's before and after pictures stay what they were when the frame buffer is used again", () => {
  const { tamper } = parseConfig({ cameras: [{ id: 'c', source: { url: 'x' } }] }).cameras[0]!;
  const watch = new TamperWatch(tamper);
  // One buffer for every frame, as the camera's frame pool does for frames nobody kept.
  const rgb = Buffer.alloc(W * H * 3);
  const frame = (t: number): Frame => ({
    camera: 'c',
    index: t,
    timestampMs: t,
    width: W,
    height: H,
    rgb,
  });
  let notice: TamperNotice | undefined;
  let t = 0;
  for (; t < 120_000 && !notice; t += 200) {
    if (t < 60_000) paintScene(rgb);
    else rgb.fill(0); // the lens covered after a minute
    notice = watch.push(frame(t), []);
  }
  expect(notice?.event.type).toBe('tamper');
  const before = Buffer.from(notice!.before!.frame.rgb);
  const after = Buffer.from(notice!.after!.frame.rgb);
  paintScene(rgb); // the next frames are assembled into the same buffer
  watch.push(frame(t), []);
  rgb.fill(77);
  expect(notice!.before!.frame.rgb.equals(before)).toBe(true);
  expect(notice!.after!.frame.rgb.equals(after)).toBe(true);
  expect(before.some((v) => v > 0)).toBe(true); // the scene, not the covered lens
  expect(after.every((v) => v === 0)).toBe(true);
});
