import { checkFinite } from '../errors.js';
import { SortedValues } from '../sorted-values.js';
import type { Staircase } from '../staircase.js';
import { type Quantizer, type QuantizerConfig, registerQuantizer } from './quantizer.js';

export interface ABCConfig extends QuantizerConfig {
  name: 'abc';
  bases: number;
}

/** ABC-Net's shifts: u_m spread evenly over [-1, 1] (0 for a single base). */
export function abcShifts(m: number): number[] {
  return m === 1 ? [0] : Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
}

/** Solves the small symmetric system G a = b by Gaussian elimination with partial pivoting. */
function solve(g: Float64Array[], b: Float64Array): Float64Array {
  const m = b.length;
  const a = g.map((row, i) => Float64Array.of(...row, b[i]));
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = col + 1; r < m; r++) {
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= m; c++) a[r][c] -= f * a[col][c];
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r][m];
    for (let c = r + 1; c < m; c++) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}

/**
 * ABC-Net: bases s_m = sign(w - mean(w) + u_m std(w)), i.e. thresholds mean - u_m std,
 * combined with least-squares alphas and no constant term:
 *   Q(w) = sum_m alpha_m s_m(w).
 */
export class ABCQuantizer implements Quantizer<ABCConfig> {
  readonly config: Readonly<ABCConfig>;
  readonly label = 'abc';

  constructor(config: ABCConfig) {
    this.config = { name: 'abc', bases: config.bases };
  }

  fit(values: ArrayLike<number>): Staircase {
    checkFinite(values, 'values');
    const sv = new SortedValues(values);
    const m = this.config.bases;
    const std = sv.std();
    // ascending thresholds (centred coordinates), so piece counts come from prefix sums
    const t = Float64Array.from(abcShifts(m), (u) => -u * std).sort();
    const below = Array.from(t, (x) => sv.lowerBound(x));
    const total = sv.sum[sv.size] + sv.mean * sv.n; // sum of the raw values
    // b_i = sum w s_i = (sum of w >= t_i) - (sum of w < t_i), in raw coordinates
    const b = Float64Array.from(below, (k) => {
      const sumBelow = sv.sum[k] + sv.mean * sv.count[k];
      return total - 2 * sumBelow;
    });
    // G_ij = sum s_i s_j = n - 2 #(t_i <= w < t_j); a tiny ridge keeps G invertible when
    // thresholds coincide (a constant channel), splitting the weight evenly between them
    const g = Array.from({ length: m }, (_, i) =>
      Float64Array.from({ length: m }, (_, j) => {
        const between = Math.abs(sv.count[below[j]] - sv.count[below[i]]);
        return sv.n - 2 * between + (i === j ? 1e-9 * sv.n : 0);
      }),
    );
    const alpha = solve(g, b);
    // levels: v_k = sum_{j<k} alpha_j - sum_{j>=k} alpha_j (0-based thresholds)
    const levels = new Float64Array(m + 1);
    let level = -alpha.reduce((s, a) => s + a, 0);
    levels[0] = level;
    for (let j = 0; j < m; j++) {
      level += 2 * alpha[j];
      levels[j + 1] = level;
    }
    return { thresholds: t.map((x) => x + sv.mean), levels };
  }
}

registerQuantizer('abc', (config) => new ABCQuantizer(config as ABCConfig));
