import { LoiteringRule } from '../../../services/behaviour/loitering';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { PixelZone } from '../../../services/behaviour/zones';
import { personAt } from '../../helpers/people';
import { pixelZone, rect } from '../../helpers/zones';

const zone = (dwellSeconds: number, graceSeconds = 2): PixelZone =>
  pixelZone('till', 'general', rect(100, 100, 300, 300), {
    enabled: true,
    dwellSeconds,
    graceSeconds,
  });

/** Feeds frames at `fps` from t0 for `seconds`; `where(t)` gives the foot point or null (unseen). */
function run(
  rule: LoiteringRule,
  fps: number,
  seconds: number,
  where: (tMs: number) => [number, number] | null,
  t0 = 1_000_000,
) {
  const events: (RuleEvent & { frameMs: number })[] = [];
  for (let i = 0; i <= seconds * fps; i++) {
    const t = t0 + (i * 1000) / fps;
    const p = where(t - t0);
    const people = p ? [personAt(7, p[0], p[1])] : [];
    for (const e of rule.evaluate({ tracks: people, nowMs: t }))
      events.push({ ...e, frameMs: t - t0 });
  }
  return events;
}

describe('loitering', () => {
  test.each([1, 2, 5, 10, 25])(
    'fires at dwellSeconds measured on timestamps, not frames (%s fps)',
    (fps) => {
      const events = run(new LoiteringRule([zone(8)]), fps, 12, () => [200, 200]);
      const start = events.filter((e) => e.type === 'start');
      expect(start).toHaveLength(1);
      expect(start[0]!.frameMs).toBeGreaterThanOrEqual(8000);
      expect(start[0]!.frameMs).toBeLessThanOrEqual(8000 + 1000 / fps);
      expect(start[0]!.dwellMs).toBe(start[0]!.frameMs);
      expect(start[0]!).toMatchObject({ rule: 'loitering', zoneId: 'till', trackId: 7 });
    },
  );

  test('does not fire a moment before dwellSeconds', () => {
    expect(run(new LoiteringRule([zone(8)]), 10, 7.9, () => [200, 200])).toEqual([]);
  });

  test('an occlusion shorter than the grace period keeps the dwell; a longer one resets it', () => {
    const occluded = (from: number, to: number) => (t: number) =>
      t >= from && t < to ? null : ([200, 200] as [number, number]);
    const short = run(new LoiteringRule([zone(8, 2)]), 5, 10, occluded(3000, 4600));
    expect(short.filter((e) => e.type === 'start').map((e) => e.frameMs)).toEqual([8000]);
    const long = run(new LoiteringRule([zone(8, 2)]), 5, 10, occluded(3000, 5400));
    expect(long.filter((e) => e.type === 'start')).toEqual([]);
  });

  test('survives a 2 s occlusion with the default grace (3 s)', () => {
    const events = run(new LoiteringRule([zone(8, 3)]), 5, 10, (t) =>
      t >= 3000 && t < 5000 ? null : [200, 200],
    );
    expect(events.filter((e) => e.type === 'start').map((e) => e.frameMs)).toEqual([8000]);
  });

  test('hysteresis: jitter across the edge does not reset the dwell; a real exit still ends it', () => {
    const z = { ...zone(6, 0), hysteresisPx: 10 };
    // The foot point flickers 4 px outside the right edge (x = 300) every other frame.
    const jitter = run(new LoiteringRule([z]), 5, 8, (t) => [
      Math.round(t / 200) % 2 ? 304 : 296,
      200,
    ]);
    expect(jitter.filter((e) => e.type === 'start')).toHaveLength(1);
    const noHyst = run(new LoiteringRule([{ ...z, hysteresisPx: 0 }]), 5, 8, (t) =>
      Math.round(t / 200) % 2 ? [304, 200] : [296, 200],
    );
    expect(noHyst.filter((e) => e.type === 'start')).toHaveLength(0); // without it every flicker restarts the dwell
    const away = run(new LoiteringRule([z]), 5, 10, (t) => (t < 7000 ? [296, 200] : [330, 200]));
    expect(away.map((e) => e.type).filter((t) => t !== 'update')).toEqual(['start', 'end']);
  });

  test('maxRadius: a slow walker across a large zone never fires, someone pacing in place does', () => {
    const big = { ...zone(6), maxRadiusPx: 40 };
    const walker = run(new LoiteringRule([big]), 5, 12, (t) => [100 + (t / 1000) * 16, 200]);
    expect(walker).toEqual([]);
    const pacer = run(new LoiteringRule([big]), 5, 12, (t) => [200 + 25 * Math.sin(t / 1000), 200]);
    expect(pacer.filter((e) => e.type === 'start')).toHaveLength(1);
  });

  test('walking straight through the zone never fires', () => {
    // 1.5 m/s across a 200 px zone at 100 px/s: 2 s inside.
    const events = run(new LoiteringRule([zone(8)]), 10, 10, (t) => [0 + (t / 1000) * 100, 200]);
    expect(events).toEqual([]);
  });

  test('leaving after the alert ends the incident with the total dwell', () => {
    const events = run(new LoiteringRule([zone(5, 1)]), 10, 12, (t) =>
      t < 9000 ? [200, 200] : [500, 500],
    );
    // start at 5 s, an update on every later frame while inside, one end.
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.filter((t) => t === 'update')).toHaveLength(39);
    expect(types[types.length - 1]).toBe('end');
    expect(types.filter((t) => t === 'end')).toHaveLength(1);
    const end = events[events.length - 1]!;
    expect(end.thresholdMs).toBe(5000);
    expect(end.dwellMs).toBeCloseTo(8900, -1);
    // Ends on the first frame after the 1 s grace has passed since the last sighting (8.9 s).
    expect(end.frameMs).toBeGreaterThan(9900);
    expect(end.frameMs).toBeLessThanOrEqual(10_000);
  });

  test('a foot point outside the zone does not count even if the box overlaps it', () => {
    const events = run(new LoiteringRule([zone(2)]), 5, 5, () => [200, 330]);
    expect(events).toEqual([]);
  });

  test('disabled zones never fire', () => {
    const z = {
      ...zone(1),
      loitering: { enabled: false, dwellSeconds: 1, graceSeconds: 1, maxRadius: 0 },
    };
    expect(run(new LoiteringRule([z]), 5, 5, () => [200, 200])).toEqual([]);
  });

  test('flush ends open incidents', () => {
    const rule = new LoiteringRule([zone(1)]);
    run(rule, 5, 2, () => [200, 200]);
    expect(rule.flush(2_000_000).map((e) => e.type)).toEqual(['end']);
    expect(rule.flush(2_000_001)).toEqual([]);
  });
});
