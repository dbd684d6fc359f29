import { type Attrs, resolveWindow, type Tensor } from '@pabnn/ir';
import { defineKernel } from '../kernel.js';

/**
 * Visits each output element's window (taps `dilations` apart); `reduce` gets the values of taps
 * inside the input.
 */
function pool(
  x: Tensor,
  y: Tensor,
  attrs: Attrs,
  reduce: (values: number[], windowSize: number) => number,
) {
  const [batch, inH, inW, c] = x.shape;
  const [kh, kw] = attrs.kernelShape as number[];
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  const [, outH, outW] = y.shape;
  const values: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let ch = 0; ch < c; ch++) {
          values.length = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - win.padTop + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - win.padLeft + kx * dw;
              if (ix >= 0 && ix < inW) values.push(x.data[((b * inH + iy) * inW + ix) * c + ch]);
            }
          }
          y.data[((b * outH + oy) * outW + ox) * c + ch] = reduce(values, kh * kw);
        }
}

export const maxPool = defineKernel({
  op: 'MaxPool',
  run: (_s, node, [x], [y]) => pool(x!, y, node.attrs, (v) => Math.max(...v)),
});

export const avgPool = defineKernel({
  op: 'AvgPool',
  run(_s, node, [x], [y]) {
    const includePad = node.attrs.countIncludePad as boolean;
    pool(
      x!,
      y,
      node.attrs,
      (v, size) => v.reduce((a, b) => a + b, 0) / (includePad ? size : v.length),
    );
  },
});

export const globalAvgPool = defineKernel({
  op: 'GlobalAvgPool',
  run(_s, _n, [x], [y]) {
    const [batch, h, w, c] = x!.shape;
    y.data.fill(0);
    for (let b = 0; b < batch; b++)
      for (let p = 0; p < h * w; p++)
        for (let ch = 0; ch < c; ch++) y.data[b * c + ch] += x!.data[(b * h * w + p) * c + ch];
    for (let i = 0; i < y.data.length; i++) y.data[i] /= h * w;
  },
});
