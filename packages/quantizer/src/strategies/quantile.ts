import type { SortedValues } from '../sorted-values.js';

/** Equal-mass pieces: threshold j at quantile j / (K + 1). */
export function quantileThresholds(sv: SortedValues, k: number): Float64Array {
  const t = new Float64Array(k);
  for (let j = 1; j <= k; j++) t[j - 1] = sv.quantile(j / (k + 1));
  return t;
}
