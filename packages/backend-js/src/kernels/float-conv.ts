import { type Attrs, resolveWindow, type Tensor } from '@pabnn/ir';

/**
 * Direct grouped 2-D convolution, NHWC input, OHWI weight: the float path shared by Conv2D,
 * DepthwiseConv2D (groups = C) and PAConv2D with per-channel activation levels. Padded taps
 * contribute nothing. `epilogue(o, acc)` maps each accumulated value to the output.
 */
export function groupedConv(
  x: { data: ArrayLike<number>; shape: readonly number[] },
  w: { data: ArrayLike<number>; shape: readonly number[] },
  attrs: Attrs,
  groups: number,
  out: Tensor,
  epilogue: (o: number, acc: number) => number,
): void {
  const [batch, inH, inW, cin] = x.shape;
  const [cout, kh, kw, cinG] = w.shape;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  const [, outH, outW] = out.shape;
  const coutG = cout / groups;
  const xs = x.data;
  const ws = w.data;
  const y = out.data;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const yBase = ((b * outH + oy) * outW + ox) * cout;
        for (let o = 0; o < cout; o++) {
          const cBase = Math.floor(o / coutG) * cinG;
          let acc = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - win.padTop + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - win.padLeft + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              const xi = ((b * inH + iy) * inW + ix) * cin + cBase;
              const wi = ((o * kh + ky) * kw + kx) * cinG;
              for (let c = 0; c < cinG; c++) acc += xs[xi + c] * ws[wi + c];
            }
          }
          y[yBase + o] = epilogue(o, acc);
        }
      }
    }
  }
}
