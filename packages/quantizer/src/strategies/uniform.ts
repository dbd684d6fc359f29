import type { SortedValues } from '../sorted-values.js';

/**
 * Equal-width pieces over [mean - r, mean + r], r = min(stdMultiple * std, max |w - mean|):
 * the outer pieces extend to infinity, the K+1 pieces inside the range are equally wide.
 */
export function uniformThresholds(sv: SortedValues, k: number, stdMultiple: number): Float64Array {
  const extent = Math.max(-sv.unique[0], sv.unique[sv.size - 1]);
  const r = Math.min(stdMultiple * sv.std(), extent);
  const t = new Float64Array(k);
  for (let j = 1; j <= k; j++) t[j - 1] = -r + (2 * r * j) / (k + 1);
  return t;
}
