/** Conv weights OHWI (the IR's layout) -> OIHW (ONNX's). */
export function ohwiToOihw(
  values: ArrayLike<number>,
  [o, h, w, i]: readonly number[],
): Float32Array {
  const out = new Float32Array(o * h * w * i);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let b = 0; b < i; b++)
          out[((a * i + b) * h + y) * w + x] = values[((a * h + y) * w + x) * i + b];
  return out;
}
