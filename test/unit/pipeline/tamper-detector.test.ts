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

  test('nothing is judged before the reference is learned', () => {
    const d = new TamperDetector(opts);
    expect(feed(d, scene(), 3, 0).events).toEqual([]);
    expect(d.last?.movedCells).toBe(0);
  });
});
