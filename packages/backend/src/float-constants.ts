import type { Tensor } from '@pabnn/ir';

/** BatchNorm's constants folded to y = x * scale + shift, per channel (float32, as kernels use them). */
export function foldBatchNorm(
  [gamma, beta, mean, variance]: Tensor[],
  epsilon: number,
): { scale: Float32Array; shift: Float32Array } {
  const c = gamma.data.length;
  const scale = Float32Array.from(
    { length: c },
    (_, k) => gamma.data[k] / Math.sqrt(variance.data[k] + epsilon),
  );
  const shift = Float32Array.from({ length: c }, (_, k) => beta.data[k] - mean.data[k] * scale[k]);
  return { scale, shift };
}

/** A Dense weight [out, in] as [in, out]: kernels that vectorize or parallelize over outputs read it row by row. */
export function transposeDense(w: Tensor): Float32Array {
  const [outF, inF] = w.shape;
  const wt = new Float32Array(outF * inF);
  for (let o = 0; o < outF; o++)
    for (let i = 0; i < inF; i++) wt[i * outF + o] = w.data[o * inF + i];
  return wt;
}
