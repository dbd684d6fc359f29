/**
 * The input pixels a conv's output rows read: rows [rowBegin, rowEnd) of its batch * outH
 * output rows read, in NHWC order, a contiguous range of input pixels (whole input rows from
 * the first window's top to the last window's bottom, clipped to the image). A split
 * PAConv2D's part binarizes just these (asm/pa-binarize-conv.ts).
 */
export function inputPixelsOf(
  rowBegin: number,
  rowEnd: number,
  g: { outH: number; inH: number; inW: number; sh: number; padTop: number; kh: number; dh: number },
): [number, number] {
  if (rowEnd <= rowBegin) return [0, 0];
  const clip = (iy: number) => Math.min(g.inH, Math.max(0, iy));
  const first = Math.floor(rowBegin / g.outH);
  const last = Math.floor((rowEnd - 1) / g.outH);
  const top = clip((rowBegin % g.outH) * g.sh - g.padTop);
  const bottom = clip(((rowEnd - 1) % g.outH) * g.sh - g.padTop + (g.kh - 1) * g.dh + 1);
  return [
    (first * g.inH + top) * g.inW,
    Math.max((first * g.inH + top) * g.inW, (last * g.inH + bottom) * g.inW),
  ];
}
