import { LatencyWindow } from '../../../services/core/latency-window';

test('p50 and p95 over the last N values only', () => {
  const w = new LatencyWindow(100);
  expect(w.summary()).toBeNull();
  for (let i = 1; i <= 100; i++) w.add(i);
  expect(w.summary()).toEqual({ p50: 51, p95: 96 });
  for (let i = 0; i < 100; i++) w.add(1000);
  expect(w.summary()).toEqual({ p50: 1000, p95: 1000 });
});
