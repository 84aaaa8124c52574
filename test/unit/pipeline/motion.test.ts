import { MotionDetector } from '../../../services/pipeline/motion-detector';
import { MotionGate } from '../../../services/pipeline/motion-gate';
import { parseConfig } from '../../../services/config/load';
import type { Frame, TrackedPerson } from '../../../services/core/types';

const W = 320;
const H = 240;

/** A grey scene with optional sensor noise and a bright 32x64 "person" at (x, y). */
function scene(seed: number, person?: { x: number; y: number }, noise = 4): Buffer {
  const rgb = Buffer.alloc(W * H * 3);
  let s = seed;
  for (let i = 0; i < rgb.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    rgb[i] = 90 + ((s >> 16) % (2 * noise + 1)) - noise;
  }
  if (person)
    for (let y = person.y; y < person.y + 64; y++)
      for (let x = person.x; x < person.x + 32; x++)
        rgb.fill(200, (y * W + x) * 3, (y * W + x) * 3 + 3);
  return rgb;
}

describe('motion detector', () => {
  const opts = { threshold: 14, minArea: 0.002 };

  test('the first frame is all motion; a still noisy scene then has none', () => {
    const m = new MotionDetector(W, H, opts);
    expect(m.update(scene(1)).moving).toBe(true);
    for (let i = 2; i < 20; i++) expect(m.update(scene(i)).moving).toBe(false);
  });

  test('a person walking in moves, and the regions are where they are', () => {
    const m = new MotionDetector(W, H, opts);
    m.update(scene(1));
    m.update(scene(2));
    const r = m.update(scene(3, { x: 200, y: 100 }));
    expect(r.moving).toBe(true);
    for (const reg of r.regions) {
      expect(reg.x + reg.w).toBeGreaterThan(200 - 16);
      expect(reg.x).toBeLessThan(232 + 16);
      expect(reg.y + reg.h).toBeGreaterThan(100 - 16);
      expect(reg.y).toBeLessThan(164 + 16);
    }
  });

  test('a person standing still fades into the background (the gate re-checks tracked people)', () => {
    const m = new MotionDetector(W, H, opts);
    m.update(scene(1));
    let moving = 0;
    for (let i = 0; i < 200; i++) if (m.update(scene(i + 2, { x: 100, y: 100 })).moving) moving++;
    expect(moving).toBeGreaterThan(3);
    expect(m.update(scene(999, { x: 100, y: 100 })).moving).toBe(false);
  });
});

describe('motion gate', () => {
  const cam = parseConfig({
    cameras: [{ id: 'c', source: { url: 'x.mp4' }, analysis: { width: W, height: H } }],
  }).cameras[0]!;
  const frame = (ms: number, rgb: Buffer): Frame => ({
    camera: 'c',
    index: ms,
    timestampMs: ms,
    width: W,
    height: H,
    rgb,
  });
  const person = {
    trackId: 1,
    box: { x: 100, y: 100, w: 32, h: 64 },
  } as TrackedPerson;

  test('still and empty: no inference at all; still with a tracked person: once per idleRefreshSeconds, focused on them', () => {
    const gate = new MotionGate(cam);
    expect(gate.decide(frame(0, scene(1)), [])).toMatchObject({ analyse: true });
    for (let t = 200; t < 5000; t += 200)
      expect(gate.decide(frame(t, scene(t)), []).analyse).toBe(false);
    const runs: number[] = [];
    for (let t = 5000; t < 10_000; t += 200) {
      const d = gate.decide(frame(t, scene(t)), [person]);
      if (d.analyse) {
        runs.push(t);
        expect(d.focus).toEqual([{ x: 92, y: 84, w: 48, h: 96 }]);
      }
    }
    expect(runs).toEqual([5000, 6000, 7000, 8000, 9000]);
    expect(gate.skipped).toBeGreaterThan(40);
  });

  test('motion: analysed at once, focused on the moving cells and the tracked people', () => {
    const gate = new MotionGate(cam);
    gate.decide(frame(0, scene(1)), []);
    gate.decide(frame(200, scene(2)), []);
    const d = gate.decide(frame(400, scene(3, { x: 200, y: 100 })), [person]);
    expect(d.analyse).toBe(true);
    if (d.analyse) {
      expect(d.focus!.length).toBeGreaterThan(2);
      expect(d.focus).toContainEqual({ x: 92, y: 84, w: 48, h: 96 });
    }
  });

  test('gating off: every frame, everywhere', () => {
    const off = new MotionGate({ ...cam, motion: { ...cam.motion, enabled: false } });
    for (let t = 0; t < 2000; t += 200)
      expect(off.decide(frame(t, scene(1)), [])).toEqual({ analyse: true, focus: undefined });
  });
});
