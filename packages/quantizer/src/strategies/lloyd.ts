import type { SortedValues } from '../sorted-values.js';
import { pieceMeans } from './levels.js';
import { quantileThresholds } from './quantile.js';

/**
 * Lloyd-Max: alternate levels = piece means and thresholds = midpoints of adjacent levels,
 * starting from equal-mass pieces. Each step never increases the squared error, so it ends
 * in a local optimum (not always the global one: see optimal.ts).
 */
export function lloydThresholds(sv: SortedValues, k: number, maxIterations: number): Float64Array {
  let t = quantileThresholds(sv, k);
  const scale = Math.max(Math.abs(sv.unique[0]), Math.abs(sv.unique[sv.size - 1]), 1e-30);
  for (let iter = 0; iter < maxIterations; iter++) {
    const levels = pieceMeans(sv, t);
    const next = new Float64Array(k);
    let moved = 0;
    for (let j = 0; j < k; j++) {
      next[j] = (levels[j] + levels[j + 1]) / 2;
      moved = Math.max(moved, Math.abs(next[j] - t[j]));
    }
    t = next;
    if (moved <= 1e-12 * scale) break;
  }
  return t;
}
