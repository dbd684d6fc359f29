// Weight layouts: the IR stores conv filters OHWI and dense weights [out, in]; TF.js wants
// HWIO filters ([kh, kw, C, multiplier] for depthwise) and [in, out] matrices.

/** OHWI [o, kh, kw, i] -> HWIO [kh, kw, i, o]. */
export function ohwiToHwio(data: Float32Array, shape: readonly number[]): Float32Array {
  const [o, kh, kw, i] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let c = 0; c < i; c++)
          out[((y * kw + x) * i + c) * o + a] = data[((a * kh + y) * kw + x) * i + c];
  return out;
}

/** HWIO [kh, kw, i, o] -> OHWI [o, kh, kw, i]. */
export function hwioToOhwi(data: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, i, o] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let c = 0; c < i; c++)
          out[((a * kh + y) * kw + x) * i + c] = data[((y * kw + x) * i + c) * o + a];
  return out;
}

/** [rows, cols] -> [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}
