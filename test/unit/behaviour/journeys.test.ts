import { JourneyRule } from '../../../services/behaviour/journeys';
import type { RuleEvent } from '../../../services/behaviour/rule-event';
import type { TrackedPerson } from '../../../services/core/types';
import { ruleEvent } from '../../helpers/events';
import { body } from '../../helpers/poses';
import { pixelZone, rect } from '../../helpers/zones';

// A store 600 px wide: shelves on the left, the checkout in the middle, the doors on the right,
// a stock room at the top.
const CHECKOUT = pixelZone('till', 'checkout', rect(250, 300, 350, 500));
const EXIT = pixelZone('doors', 'exit', rect(500, 300, 600, 500));
const STOCK = pixelZone('stock', 'restricted', rect(0, 0, 200, 150));
const ZONES = [CHECKOUT, EXIT, STOCK];

/** A scripted walk: (foot x, foot y) per 200 ms frame for one person; `gapAt` frames unseen. */
function walk(
  path: [number, number][],
  opts: { concealAt?: number; gap?: [number, number]; zones?: typeof ZONES; startMs?: number } = {},
) {
  const rule = new JourneyRule(opts.zones ?? ZONES);
  const events: RuleEvent[] = [];
  const t0 = opts.startMs ?? Date.UTC(2026, 0, 5, 14, 0, 0);
  path.forEach(([x, y], i) => {
    const t = t0 + i * 200;
    const p: TrackedPerson = { ...body(4, { x, y }), trackId: 4 };
    if (opts.concealAt === i)
      rule.noteConcealment(
        ruleEvent('start', { rule: 'concealment', trackId: 4, person: p, atMs: t }),
      );
    const hidden = opts.gap && i >= opts.gap[0] && i < opts.gap[1];
    events.push(...rule.evaluate({ tracks: hidden ? [] : [p], nowMs: t }));
  });
  return events.map((e) => `${e.rule} ${e.type} ${e.zoneId}`);
}

/** Along y from x `from` to `to`, `n` frames. */
const line = (from: number, to: number, n: number, y = 400): [number, number][] =>
  Array.from({ length: n }, (_, i) => [from + ((to - from) * i) / (n - 1), y]);
/** From the shelves, around the checkout (above it, y 250), down into the doors. */
const AROUND: [number, number][] = [...line(50, 550, 20, 250), [550, 320], [550, 400], [550, 400]];

describe('journey rules', () => {
  test('concealment, then the exit without the checkout: one walkout, high, with the concealment evidence; it ends once they are gone', () => {
    const rule = new JourneyRule(ZONES);
    const t0 = Date.UTC(2026, 0, 5, 14, 0, 0);
    const events: RuleEvent[] = [];
    AROUND.forEach(([x, y], i) => {
      const person = { ...body(4, { x, y }), trackId: 4 };
      if (i === 0)
        rule.noteConcealment(
          ruleEvent('start', {
            rule: 'concealment',
            trackId: 4,
            person,
            atMs: t0,
            evidence: { steps: [{ step: 'hold', at: 'x', region: 'pocket' }], keypoints: {} },
          }),
        );
      events.push(...rule.evaluate({ tracks: [person], nowMs: t0 + i * 200 }));
    });
    expect(events.map((e) => `${e.rule} ${e.type}`)).toEqual(['walkout start']);
    expect(events[0]).toMatchObject({ severity: 'high', zoneId: 'doors', trackId: 4 });
    expect(events[0]!.evidence!.steps.map((s) => s.step)).toEqual([
      'hold',
      'exit-without-checkout',
    ]);
    // Gone from the doors for more than 2 s: the walkout ends.
    const after = [...AROUND, ...Array.from({ length: 15 }, () => [700, 400] as [number, number])];
    expect(walk(after, { concealAt: 0 })).toEqual(['walkout start doors', 'walkout end doors']);
  });

  test('concealment, the checkout, then the exit: no walkout', () => {
    const path: [number, number][] = [
      ...line(50, 300, 10),
      ...Array.from({ length: 10 }, () => [300, 400] as [number, number]),
      ...line(300, 560, 10),
    ];
    expect(walk(path, { concealAt: 0 })).toEqual([]);
  });

  test('walking out without a concealment: nothing', () => {
    expect(walk(AROUND)).toEqual([]);
  });

  test('a track lost and found again (same id, 20 s later) keeps its journey', () => {
    const hidden = Array.from({ length: 100 }, () => [300, 250] as [number, number]);
    const path = [...AROUND.slice(0, 10), ...hidden, ...AROUND.slice(10)];
    expect(walk(path, { concealAt: 0, gap: [10, 110] })).toEqual(['walkout start doors']);
  });

  test('the stock room: intrusion on entering (two frames seen), ended 2 s after leaving; none outside its hours; a one-frame ghost raises none', () => {
    const path: [number, number][] = [
      [300, 400],
      [100, 100],
      [100, 100],
      [100, 100],
      ...Array.from({ length: 15 }, () => [300, 400] as [number, number]),
    ];
    expect(walk(path)).toEqual(['intrusion start stock', 'intrusion end stock']);
    const night = [
      pixelZone('stock', 'restricted', rect(0, 0, 200, 150), {}, [{ from: '20:00', to: '06:00' }]),
    ];
    const noon = Date.UTC(2026, 0, 5, 12, 0, 0) + new Date().getTimezoneOffset() * 60_000;
    expect(walk(path, { zones: night, startMs: noon })).toEqual([]);
    expect(
      walk([
        [300, 400],
        [100, 100],
        [300, 400],
        [300, 400],
      ]),
    ).toEqual([]);
  });
});
