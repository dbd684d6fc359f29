/**
 * Transposes a dense row-major tensor: output axis k is input axis perm[k]
 * (numpy's transpose). One helper for every weight layout change: OHWI <-> HWIO (TF.js),
 * OIHW -> OHWI (ONNX), [out, in] <-> [in, out] (dense).
 */
export function permute(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): Float32Array {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new RangeError(`permutation [${perm.join(', ')}] does not fit rank ${rank}`);
  }
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let k = rank - 1, s = 1; k >= 0; k--) {
    inStrides[k] = s;
    s *= shape[k];
  }
  // input stride of each output axis, walked like an odometer over the output
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[from];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      from += strides[k];
      if (index[k] < outShape[k]) break;
      from -= strides[k] * outShape[k];
      index[k] = 0;
    }
  }
  return out;
}
