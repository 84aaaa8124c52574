import { assign } from '../../../services/core/hungarian';

/** Exhaustive optimum for small matrices: most allowed pairs first, then least cost. */
function brute(cost: number[][]): { pairs: number; total: number } {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  let best = { pairs: 0, total: 0 };
  const usedCols = new Set<number>();
  const walk = (r: number, pairs: number, total: number) => {
    if (r === rows) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9))
        best = { pairs, total };
      return;
    }
    walk(r + 1, pairs, total);
    for (let c = 0; c < cols; c++) {
      if (usedCols.has(c) || !Number.isFinite(cost[r]![c]!)) continue;
      usedCols.add(c);
      walk(r + 1, pairs + 1, total + cost[r]![c]!);
      usedCols.delete(c);
    }
  };
  walk(0, 0, 0);
  return best;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('matches the exhaustive optimum on 300 random matrices with negative costs and forbidden pairs', () => {
  const rnd = lcg(42);
  for (let k = 0; k < 300; k++) {
    const rows = 1 + Math.floor(rnd() * 5);
    const cols = 1 + Math.floor(rnd() * 5);
    const cost = Array.from({ length: rows }, () =>
      Array.from({ length: cols }, () => (rnd() < 0.3 ? NaN : Math.round(rnd() * 200 - 100) / 10)),
    );
    const got = assign(cost);
    const total = got.reduce((s, [r, c]) => s + cost[r]![c]!, 0);
    const want = brute(cost);
    expect(new Set(got.map(([r]) => r)).size).toBe(got.length);
    expect(new Set(got.map(([, c]) => c)).size).toBe(got.length);
    expect(got.length).toBe(want.pairs);
    expect(total).toBeCloseTo(want.total, 9);
  }
});

test('empty and all-forbidden matrices give no pairs', () => {
  expect(assign([])).toEqual([]);
  expect(assign([[NaN, Infinity]])).toEqual([]);
});
