import type { Tensor } from '@pabnn/ir';

/** BatchNorm's constants folded to y = x * scale + shift, per channel (float32, as kernels use them). */
export function foldBatchNorm(
  params: Tensor[],
  epsilon: number,
): { scale: Float32Array; shift: Float32Array };
/** The same fold in float64 (backend-js, the reference backend). */
export function foldBatchNorm(
  params: Tensor[],
  epsilon: number,
  precision: 'float64',
): { scale: Float64Array; shift: Float64Array };
export function foldBatchNorm(
  [gamma, beta, mean, variance]: Tensor[],
  epsilon: number,
  precision: 'float32' | 'float64' = 'float32',
): { scale: Float32Array | Float64Array; shift: Float32Array | Float64Array } {
  const c = gamma.data.length;
  const scale = precision === 'float64' ? new Float64Array(c) : new Float32Array(c);
  const shift = precision === 'float64' ? new Float64Array(c) : new Float32Array(c);
  for (let k = 0; k < c; k++) {
    scale[k] = gamma.data[k] / Math.sqrt(variance.data[k] + epsilon);
    // the shift from the stored (maybe rounded) scale, as kernels apply it
    shift[k] = beta.data[k] - mean.data[k] * scale[k];
  }
  return { scale, shift };
}

/**
 * The Add operands every backend's elementwise kernel takes: b of a's shape, or b a vector
 * over a's last (channel) axis. Other broadcasts run on js.
 */
export function isChannelBroadcast(a: readonly number[], b: readonly number[]): boolean {
  const same = a.length === b.length && a.every((d, i) => d === b[i]);
  const channels = b.length === 1 && b[0] === a[a.length - 1] && b[0] > 0;
  return same || (channels && a.every((d) => d > 0));
}

/** A Dense weight [out, in] as [in, out]: kernels that vectorize or parallelize over outputs read it row by row. */
export function transposeDense(w: Tensor): Float32Array {
  const [outF, inF] = w.shape;
  const wt = new Float32Array(outF * inF);
  for (let o = 0; o < outF; o++)
    for (let i = 0; i < inF; i++) wt[i * outF + o] = w.data[o * inF + i];
  return wt;
}
