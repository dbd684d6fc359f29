import { defineKernel } from '../kernel.js';

/**
 * Transposed conv by scattering: each input pixel adds x * w into the output pixels its taps
 * reach, (iy * stride - padTop + ky * dilation, likewise for x); taps past the output (cropped
 * by pads) are dropped. Sums in float64 per output value.
 */
export const convTranspose2d = defineKernel({
  op: 'ConvTranspose2D',
  run(_s, node, [x, w, bias], [y]) {
    const [batch, inH, inW, cin] = x!.shape;
    const [cout, kh, kw, cinG] = w!.shape;
    const [, outH, outW] = y.shape;
    const groups = node.attrs.groups as number;
    const coutG = cout / groups;
    const [sh, sw] = node.attrs.strides as number[];
    const [dh, dw] = node.attrs.dilations as number[];
    const [padTop, padLeft] = node.attrs.pads as number[];
    const acc = new Float64Array(y.data.length);
    for (let b = 0; b < batch; b++)
      for (let iy = 0; iy < inH; iy++)
        for (let ix = 0; ix < inW; ix++) {
          const xAt = ((b * inH + iy) * inW + ix) * cin;
          for (let ky = 0; ky < kh; ky++) {
            const oy = iy * sh - padTop + ky * dh;
            if (oy < 0 || oy >= outH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ox = ix * sw - padLeft + kx * dw;
              if (ox < 0 || ox >= outW) continue;
              const yAt = ((b * outH + oy) * outW + ox) * cout;
              for (let o = 0; o < cout; o++) {
                const first = Math.floor(o / coutG) * cinG;
                const wAt = ((o * kh + ky) * kw + kx) * cinG;
                let sum = 0;
                for (let c = 0; c < cinG; c++) sum += x!.data[xAt + first + c] * w!.data[wAt + c];
                acc[yAt + o] += sum;
              }
            }
          }
        }
    for (let i = 0; i < acc.length; i++) y.data[i] = acc[i] + (bias ? bias.data[i % cout] : 0);
  },
});
