import { Backoff, RECONNECT_LADDER_MS } from '../../../services/core/backoff';

test('backoff climbs the ladder with bounded jitter, caps, and resets', () => {
  const lo = new Backoff(RECONNECT_LADDER_MS, () => 0);
  const hi = new Backoff(RECONNECT_LADDER_MS, () => 0.999999);
  const lows = Array.from({ length: 8 }, () => lo.next());
  const highs = Array.from({ length: 8 }, () => hi.next());
  expect(lows).toEqual([800, 1600, 4000, 8000, 24000, 48000, 48000, 48000]);
  expect(highs).toEqual([1200, 2400, 6000, 12000, 36000, 72000, 72000, 72000]);
  lo.reset();
  expect(lo.next()).toBe(800);
});
