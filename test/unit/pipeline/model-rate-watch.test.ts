import { ModelRateWatch } from '../../../services/pipeline/model-rate-watch';

test('below the floor for more than 5 s is degraded, once; back at the floor recovers, once', () => {
  const w = new ModelRateWatch();
  const seen: (string | undefined)[] = [];
  // t (s), model fps, frames need the model
  const steps: [number, number, boolean][] = [
    [0, 2.5, true],
    [1, 1.2, true],
    [4, 1.1, true],
    [6, 1.4, true], // 5 s under, not yet more
    [6.5, 1.3, true], // more than 5 s: degraded
    [8, 1.0, true],
    [9, 2.5, true], // recovered
    [10, 2.6, true],
  ];
  for (const [t, fps, needs] of steps) seen.push(w.update(t * 1000, fps, 2.5, needs));
  expect(seen).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
    'entered',
    undefined,
    'left',
    undefined,
  ]);
});

test('a camera whose frames need no model is never degraded, and a short dip is not', () => {
  const w = new ModelRateWatch();
  expect(w.update(0, 0, 2.5, false)).toBeUndefined();
  expect(w.update(60_000, 0, 2.5, false)).toBeUndefined();
  expect(w.update(61_000, 1, 2.5, true)).toBeUndefined();
  expect(w.update(64_000, 2.5, 2.5, true)).toBeUndefined(); // 3 s under only
  expect(w.update(70_000, 1, 2.5, true)).toBeUndefined();
  expect(w.update(74_000, 0, 2.5, false)).toBeUndefined(); // idle again: the clock restarts
  expect(w.update(80_000, 1, 2.5, true)).toBeUndefined();
  expect(w.degraded).toBe(false);
});
