import type { SortedValues } from '../sorted-values.js';

/**
 * Least-squares levels for fixed thresholds (centred coordinates): each piece's mean.
 * An empty piece takes the midpoint of its boundaries (an end piece: its one boundary),
 * as docs/PA-METHOD.md specifies, so the staircase stays defined everywhere.
 */
export function pieceMeans(sv: SortedValues, thresholds: Float64Array): Float64Array {
  const k = thresholds.length;
  const levels = new Float64Array(k + 1);
  let start = 0;
  for (let piece = 0; piece <= k; piece++) {
    const end = piece < k ? Math.max(start, sv.lowerBound(thresholds[piece])) : sv.size;
    const count = sv.count[end] - sv.count[start];
    if (count > 0) levels[piece] = (sv.sum[end] - sv.sum[start]) / count;
    else if (piece === 0) levels[piece] = thresholds[0];
    else if (piece === k) levels[piece] = thresholds[k - 1];
    else levels[piece] = (thresholds[piece - 1] + thresholds[piece]) / 2;
    start = end;
  }
  return levels;
}

/** Sum of squared errors of the staircase over the values (centred coordinates). */
export function staircaseSquaredError(
  sv: SortedValues,
  thresholds: Float64Array,
  levels: Float64Array,
): number {
  let total = 0;
  let start = 0;
  for (let piece = 0; piece <= thresholds.length; piece++) {
    const end =
      piece < thresholds.length ? Math.max(start, sv.lowerBound(thresholds[piece])) : sv.size;
    const c = sv.count[end] - sv.count[start];
    const s = sv.sum[end] - sv.sum[start];
    const sq = sv.sumSq[end] - sv.sumSq[start];
    const v = levels[piece];
    total += sq - 2 * v * s + c * v * v;
    start = end;
  }
  return Math.max(total, 0);
}
