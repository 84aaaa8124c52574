import { TamperDetector } from '../../../services/pipeline/tamper-detector';
import type { TamperEvent } from '../../../services/pipeline/tamper-detector';

const W = 160;
const H = 120;

/** A textured scene: a fixed pseudo-random pattern of blocks, shifted by `dx` pixels. */
function scene(dx = 0, gain = 1): Buffer {
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const bx = Math.floor((x + dx) / 6);
      const by = Math.floor(y / 6);
      const v = ((bx * 7919 + by * 104729) % 97) * 2 + 30;
      rgb.fill(Math.min(255, Math.round(v * gain)), (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  return rgb;
}
const black = () => Buffer.alloc(W * H * 3);

/**
 * The scene with something dark held in front of it where `inside(x, y)` holds: a mottled,
 * skin-toned surface lit from the top left (luminance ~25-90, its own texture), like a hand.
 */
function occluded(inside: (x: number, y: number) => boolean): Buffer {
  const rgb = scene();
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!inside(x, y)) continue;
      const light = 60 * (1 - x / W) * (1 - y / H);
      const mottle = ((x * 31 + y * 17) % 13) * 2 + 10 * Math.sin(x / 5) * Math.sin(y / 7);
      const v = 25 + light + mottle;
      rgb[(y * W + x) * 3] = Math.round(v * 1.2);
      rgb[(y * W + x) * 3 + 1] = Math.round(v);
      rgb[(y * W + x) * 3 + 2] = Math.round(v * 0.8);
    }
  return rgb;
}
/** An irregular blob round the middle over about `share` of the picture. */
const blob = (share: number) => (x: number, y: number) => {
  const dx = (x - W / 2) / W;
  const dy = (y - H / 2) / H;
  const lobes = 1 + 0.1 * Math.sin(5 * Math.atan2(dy, dx));
  return Math.hypot(dx, dy) < Math.sqrt(share / Math.PI) * lobes;
};

/** Feeds `frames` pictures 200 ms apart from `t0`; returns the events and the next time. */
function feed(d: TamperDetector, picture: Buffer, seconds: number, t0: number) {
  const events: TamperEvent[] = [];
  let t = t0;
  for (; t < t0 + seconds * 1000; t += 200) {
    const e = d.push(picture, W, H, t);
    if (e) events.push(e);
  }
  return { events, t };
}

describe('TamperDetector', () => {
  const opts = { holdSeconds: 3, clearSeconds: 5, relearnMinutes: 1 };

  test('a covered lens fires after holdSeconds and clears after clearSeconds of normal', () => {
    const d = new TamperDetector(opts);
    let { t } = feed(d, scene(), 10, 0);
    const short = feed(d, black(), 2, t); // shorter than the hold: nothing
    expect(short.events).toEqual([]);
    t = feed(d, scene(), 5, short.t).t;
    const covered = feed(d, black(), 10, t);
    expect(covered.events.map((e) => [e.type, e.kind])).toEqual([['tamper', 'covered']]);
    expect(covered.events[0]!.atMs - t).toBeGreaterThanOrEqual(3000);
    expect(covered.events[0]!.atMs - t).toBeLessThanOrEqual(3600);
    expect(d.tampered).toBe('covered');
    const back = feed(d, scene(), 10, covered.t);
    expect(back.events).toEqual([
      expect.objectContaining({ type: 'tamper_cleared', kind: 'covered', reason: 'restored' }),
    ]);
    expect(d.tampered).toBeNull();
  });

  test('a change of light is not tampering; a shifted view is, and is relearned after relearnMinutes', () => {
    const d = new TamperDetector(opts);
    let { t } = feed(d, scene(), 10, 0);
    const dim = feed(d, scene(0, 0.5), 20, t);
    expect(dim.events).toEqual([]);
    t = feed(d, scene(), 10, dim.t).t;
    const moved = feed(d, scene(9), 70, t);
    expect(moved.events.map((e) => [e.type, e.kind])).toEqual([
      ['tamper', 'moved'],
      ['tamper_cleared', 'moved'],
    ]);
    expect(moved.events[1]).toMatchObject({ reason: 'relearned' });
    // The new view is the reference now: it raises nothing more.
    expect(feed(d, scene(9), 30, moved.t).events).toEqual([]);
  });

  test.each([
    ['a textured hand over 80 % of the picture', ['covered'], () => occluded(blob(0.8))],
    ['a dark cloth over the top 60 %', ['covered'], () => occluded((_x, y) => y < H * 0.6)],
    ['a dark shape over 35 %, held', [], () => occluded((x) => x < W * 0.35)],
    ['the lights at half', [], () => scene(0, 0.5)],
  ])('%s: tamper %j', (_what, kinds, picture) => {
    const d = new TamperDetector(opts);
    const { t } = feed(d, scene(), 10, 0);
    const held = feed(d, picture(), 20, t);
    expect(held.events.map((e) => [e.type, e.kind])).toEqual(kinds.map((k) => ['tamper', k]));
  });

  test('nothing is judged before the reference is learned', () => {
    const d = new TamperDetector(opts);
    expect(feed(d, scene(), 3, 0).events).toEqual([]);
    expect(d.last?.movedCells).toBe(0);
  });
});
