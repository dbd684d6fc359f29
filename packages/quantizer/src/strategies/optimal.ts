import type { SortedValues } from '../sorted-values.js';

/**
 * The global least-squares optimum of a staircase with K+1 pieces: optimal 1-D k-means over
 * the sorted, tie-merged values, by dynamic programming
 *   D[p][i] = min_j D[p-1][j] + cost(j, i)   (first i distinct values in p pieces).
 * cost(j, i) is O(1) from prefix sums, and the best j is monotone in i (the cost is Monge),
 * so each row is filled by divide and conquer in O(U log U): O(K U log U) per channel; the
 * last row needs only its final entry, O(U).
 * Ties are merged first, so no optimum splits equal values (a staircase could not).
 */
export function optimalThresholds(sv: SortedValues, k: number): Float64Array {
  const u = sv.size;
  const pieces = Math.min(k + 1, u);
  const { count, sum, sumSq } = sv;
  // cost(j, i) = sumSq[i] - sumSq[j] - (sum[i] - sum[j])^2 / (count[i] - count[j]); the
  // sumSq[i] term does not depend on j, so the inner loop minimises
  //   base[j] - (sum[i] - sum[j])^2 / (count[i] - count[j]),  base[j] = D[p-1][j] - sumSq[j].
  const base = new Float64Array(u + 1);
  for (let i = 1; i <= u; i++) base[i] = sv.cost(0, i) - sumSq[i];
  const splits: Int32Array[] = [];
  const best = (i: number, from: number, to: number, split: Int32Array): number => {
    const si = sum[i];
    const ci = count[i];
    let value = Number.POSITIVE_INFINITY;
    let arg = from;
    for (let j = from; j <= to; j++) {
      const s = si - sum[j];
      const v = base[j] - (s * s) / (ci - count[j]);
      if (v < value) {
        value = v;
        arg = j;
      }
    }
    split[i] = arg;
    return value + sumSq[i];
  };
  for (let p = 2; p <= pieces; p++) {
    const split = new Int32Array(u + 1);
    if (p === pieces) {
      best(u, p - 1, u - 1, split);
      splits[p] = split;
      break;
    }
    const row = new Float64Array(u + 1);
    const solve = (lo: number, hi: number, optLo: number, optHi: number): void => {
      if (lo > hi) return;
      const mid = (lo + hi) >>> 1;
      row[mid] = best(mid, optLo, Math.min(mid - 1, optHi), split);
      solve(lo, mid - 1, optLo, split[mid]);
      solve(mid + 1, hi, split[mid], optHi);
    };
    solve(p, u, p - 1, u - 1);
    splits[p] = split;
    for (let i = p; i <= u; i++) base[i] = row[i] - sumSq[i];
  }
  // walk back: the boundaries are first indices of pieces 2..pieces
  const boundaries: number[] = [];
  let i = u;
  for (let p = pieces; p >= 2; p--) {
    i = splits[p][i];
    boundaries.push(i);
  }
  boundaries.reverse();
  const t = new Float64Array(k);
  boundaries.forEach((b, j) => {
    t[j] = (sv.unique[b - 1] + sv.unique[b]) / 2;
  });
  // fewer distinct values than pieces: the extra pieces are empty, above every value
  const top = sv.unique[u - 1];
  const step = Math.max(Math.abs(top), 1);
  for (let j = boundaries.length; j < k; j++) t[j] = top + step * (j - boundaries.length + 1);
  return t;
}
