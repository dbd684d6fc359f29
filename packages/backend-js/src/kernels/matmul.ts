import { defineKernel } from '../kernel.js';

/** The row-major offset of each batch index of `out` in a tensor of batch dims `dims`. */
function batchOffsets(out: readonly number[], dims: readonly number[], matrix: number): number[] {
  const count = out.reduce((p, d) => p * d, 1);
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    // broadcasting (numpy): dims are right-aligned, a dim of 1 repeats
    let rest = i;
    let offset = 0;
    let stride = matrix;
    for (let k = out.length - 1; k >= 0; k--) {
      const index = rest % out[k];
      rest = Math.floor(rest / out[k]);
      const j = k - (out.length - dims.length);
      if (j >= 0) {
        if (dims[j] !== 1) offset += index * stride;
        stride *= dims[j];
      }
    }
    offsets.push(offset);
  }
  return offsets;
}

/** a [..., M, K] @ b [..., K, N], batch dims broadcast; sums in float64. */
export const matmul = defineKernel({
  op: 'MatMul',
  run(_s, _n, [a, b], [y]) {
    const [m, k] = a!.shape.slice(-2);
    const n = b!.shape.at(-1)!;
    const batch = y.shape.slice(0, -2);
    const aAt = batchOffsets(batch, a!.shape.slice(0, -2), m * k);
    const bAt = batchOffsets(batch, b!.shape.slice(0, -2), k * n);
    for (let p = 0; p < aAt.length; p++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let q = 0; q < k; q++)
            sum += a!.data[aAt[p] + i * k + q] * b!.data[bAt[p] + q * n + j];
          y.data[(p * m + i) * n + j] = sum;
        }
  },
});
