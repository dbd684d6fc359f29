import type { Tensor } from '@pabnn/ir';

/**
 * Largest |a - b| divided by the reference's largest magnitude (1 when that is 0). NaN must
 * appear in the same places; a NaN in one and a number in the other counts as Infinity.
 */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isFinite(expected[i])) scale = Math.max(scale, Math.abs(expected[i]));
  }
  if (scale === 0) scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) return Number.POSITIVE_INFINITY;
      continue;
    }
    if (a === e) continue; // also equal infinities
    worst = Math.max(worst, Math.abs(a - e) / scale);
  }
  return worst;
}

export function describeMismatch(actual: Tensor, expected: ArrayLike<number>): string {
  let at = -1;
  let worst = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual.data[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  return `shape [${actual.shape.join(', ')}], worst at flat index ${at}: got ${actual.data[at]}, expected ${expected[at]}`;
}
