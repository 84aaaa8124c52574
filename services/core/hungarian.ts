/**
 * Minimum-cost assignment (Kuhn-Munkres with potentials, O(n^2 m)) on a rectangular cost matrix.
 * Pairs whose cost is not finite are forbidden: the result holds the largest number of allowed
 * pairs and, among those, the lowest total cost.
 */
export function assign(cost: readonly (readonly number[])[]): [number, number][] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : cost[0]!.length;
  if (rows === 0 || cols === 0) return [];
  let finiteMax = 0;
  for (const row of cost)
    for (const v of row) if (Number.isFinite(v)) finiteMax = Math.max(finiteMax, Math.abs(v));
  // A forbidden pair costs more than any set of allowed ones, so allowed pairs always win.
  const forbidden = (finiteMax + 1) * (2 * Math.min(rows, cols) + 1);
  const at = (r: number, c: number) => {
    const v = cost[r]![c]!;
    return Number.isFinite(v) ? v : forbidden;
  };
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const a = (i: number, j: number) => (transposed ? at(j, i) : at(i, j));
  const pairs = solve(n, m, a);
  return pairs
    .map(([i, j]) => (transposed ? ([j, i] as [number, number]) : ([i, j] as [number, number])))
    .filter(([r, c]) => Number.isFinite(cost[r]![c]!))
    .sort((p, q) => p[0] - q[0]);
}

/** n <= m; 1-based arrays as in the classic formulation. */
function solve(n: number, m: number, a: (i: number, j: number) => number): [number, number][] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out: [number, number][] = [];
  for (let j = 1; j <= m; j++) if (p[j]! > 0) out.push([p[j]! - 1, j - 1]);
  return out;
}
