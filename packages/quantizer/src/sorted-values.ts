/**
 * A channel's values sorted, ties merged, with prefix sums: every threshold strategy works on
 * this, so a piece's count, sum and squared error cost O(1) after an O(n log n) sort.
 * Values are centred on their mean first, which keeps the prefix sums of squares accurate.
 */
export class SortedValues {
  /** Distinct values, ascending, centred (value - mean). */
  readonly unique: Float64Array;
  /** Prefix sums over `unique` (length unique.length + 1): count, sum, sum of squares. */
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly mean: number;
  readonly n: number;

  constructor(values: ArrayLike<number>) {
    const n = values.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i];
    mean /= n;
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = values[i] - mean;
    sorted.sort();
    let u = 0;
    const unique = new Float64Array(n);
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) counts[u - 1]++;
      else {
        unique[u] = sorted[i];
        counts[u++] = 1;
      }
    }
    this.unique = unique.slice(0, u);
    this.count = new Float64Array(u + 1);
    this.sum = new Float64Array(u + 1);
    this.sumSq = new Float64Array(u + 1);
    for (let i = 0; i < u; i++) {
      const c = counts[i];
      const v = this.unique[i];
      this.count[i + 1] = this.count[i] + c;
      this.sum[i + 1] = this.sum[i] + c * v;
      this.sumSq[i + 1] = this.sumSq[i] + c * v * v;
    }
    this.mean = mean;
    this.n = n;
  }

  get size(): number {
    return this.unique.length;
  }

  /** Sum of squared deviations from the mean of unique values [a, b). */
  cost(a: number, b: number): number {
    const c = this.count[b] - this.count[a];
    if (c === 0) return 0;
    const s = this.sum[b] - this.sum[a];
    const cost = this.sumSq[b] - this.sumSq[a] - (s * s) / c;
    return Math.max(cost, 0);
  }

  /** Index of the first unique value >= x (centred coordinates). */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.unique.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.unique[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Standard deviation of the values. */
  std(): number {
    return Math.sqrt(this.sumSq[this.size] / this.n - (this.sum[this.size] / this.n) ** 2);
  }

  /** The value at quantile q in [0, 1] (centred), by rank. */
  quantile(q: number): number {
    const rank = Math.min(this.n - 1, Math.max(0, Math.floor(q * this.n)));
    // first unique index whose cumulative count exceeds rank
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.count[mid + 1] > rank) hi = mid;
      else lo = mid + 1;
    }
    return this.unique[lo];
  }
}
