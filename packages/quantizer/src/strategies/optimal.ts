import type { SortedValues } from '../sorted-values.js';

/**
 * The global least-squares optimum of a staircase with K+1 pieces: optimal 1-D k-means over
 * the sorted, tie-merged values, by dynamic programming
 *   D[p][i] = min_j D[p-1][j] + cost(j, i)   (first i distinct values in p pieces).
 * cost(j, i) is O(1) from prefix sums, and the best j is monotone in i (the cost is Monge),
 * so each row is filled by divide and conquer in O(U log U): O(K U log U) per channel.
 * Ties are merged first, so no optimum splits equal values (a staircase could not).
 */
export function optimalThresholds(sv: SortedValues, k: number): Float64Array {
  const u = sv.size;
  const pieces = Math.min(k + 1, u);
  let prev = new Float64Array(u + 1);
  for (let i = 1; i <= u; i++) prev[i] = sv.cost(0, i);
  const splits: Int32Array[] = [];
  for (let p = 2; p <= pieces; p++) {
    const cur = new Float64Array(u + 1).fill(Number.POSITIVE_INFINITY);
    const split = new Int32Array(u + 1);
    const previous = prev;
    const solve = (lo: number, hi: number, optLo: number, optHi: number): void => {
      if (lo > hi) return;
      const mid = (lo + hi) >>> 1;
      let best = Number.POSITIVE_INFINITY;
      let bestJ = optLo;
      const last = Math.min(mid - 1, optHi);
      for (let j = optLo; j <= last; j++) {
        const value = previous[j] + sv.cost(j, mid);
        if (value < best) {
          best = value;
          bestJ = j;
        }
      }
      cur[mid] = best;
      split[mid] = bestJ;
      solve(lo, mid - 1, optLo, bestJ);
      solve(mid + 1, hi, bestJ, optHi);
    };
    solve(p, u, p - 1, u - 1);
    splits[p] = split;
    prev = cur;
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
