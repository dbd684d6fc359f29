/**
 * A staircase with K thresholds t_1 <= ... <= t_K and K+1 levels v_0..v_K:
 *   Q(x) = v_k  where k = #{ j : x >= t_j }.
 * Every PA, ABC-Net and XNOR quantizer produces one (docs/PA-METHOD.md, Zhu et al. 2020). It
 * is also a constant plus K shifted signs, which is what makes it bitwise:
 *   Q(x) = c + sum_j a_j * s_j(x),  s_j(x) = sign(x - t_j) (sign(0) = +1),
 *   a_j = (v_j - v_{j-1}) / 2,      c = (v_0 + v_K) / 2.
 */
export interface Staircase {
  thresholds: Float64Array;
  levels: Float64Array;
}

/** The bitwise form of a staircase. */
export interface SignDecomposition {
  constant: number;
  /** a_j, one per threshold / bit-plane. */
  coefficients: Float64Array;
  thresholds: Float64Array;
}

/** Index of the piece x falls in: the number of thresholds <= x. */
export function pieceIndex(thresholds: ArrayLike<number>, x: number): number {
  let k = 0;
  while (k < thresholds.length && x >= thresholds[k]) k++;
  return k;
}

export function evaluate(s: Staircase, x: number): number {
  return s.levels[pieceIndex(s.thresholds, x)];
}

export function decompose(s: Staircase): SignDecomposition {
  const k = s.thresholds.length;
  const coefficients = new Float64Array(k);
  for (let j = 1; j <= k; j++) coefficients[j - 1] = (s.levels[j] - s.levels[j - 1]) / 2;
  return {
    constant: (s.levels[0] + s.levels[k]) / 2,
    coefficients,
    thresholds: Float64Array.from(s.thresholds),
  };
}

/** Inverse of `decompose`: v_k = c + sum_{j<=k} a_j - sum_{j>k} a_j. */
export function recompose(d: SignDecomposition): Staircase {
  const k = d.coefficients.length;
  const levels = new Float64Array(k + 1);
  let total = 0;
  for (let j = 0; j < k; j++) total += d.coefficients[j];
  let level = d.constant - total;
  levels[0] = level;
  for (let j = 0; j < k; j++) {
    level += 2 * d.coefficients[j];
    levels[j + 1] = level;
  }
  return { thresholds: Float64Array.from(d.thresholds), levels };
}
