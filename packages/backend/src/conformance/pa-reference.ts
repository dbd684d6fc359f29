import { type Attrs, packedWords, resolveWindow, type Tensor } from '@pabnn/ir';
import { pieceIndex } from '@pabnn/quantizer';

/**
 * The float64 oracle for PAConv2D, written for clarity, not speed, and sharing no code with
 * any kernel: y = act(scale * conv2d(zeroPad(Q_a(x)), Q_w) + bias) with
 *   Q_a(x) = levels[#{ j : x >= t_j }]          (per layer, or per input channel)
 *   Q_w    = c_w + sum_m a_m * (bit ? -1 : +1)  (from the stored bit-planes)
 * A padded tap contributes exactly 0.
 */
export function paConv2dReference(
  inputs: (Tensor | undefined)[],
  attrs: Attrs,
  outShape: readonly number[],
): Float64Array {
  const [x, bits, scales, offset, thresholds, levels, scale, bias] = inputs as Tensor[];
  const [batch, inH, inW, cin] = x.shape;
  const [m, cout, kh, kw, cinG] = bits.shape;
  const n = attrs.activationBases as number;
  const groups = attrs.groups as number;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  const [, outH, outW] = outShape;
  const perChannel = thresholds.shape.length === 2;

  const qa = new Float64Array(x.data.length);
  for (let i = 0; i < qa.length; i++) {
    const c = i % cin;
    const t = perChannel ? thresholds.data.subarray(c * n, (c + 1) * n) : thresholds.data;
    const v = perChannel ? levels.data.subarray(c * (n + 1), (c + 1) * (n + 1)) : levels.data;
    qa[i] = v[pieceIndex(t, x.data[i])];
  }
  const words = packedWords(cinG);
  const qw = new Float64Array(cout * kh * kw * cinG);
  for (let o = 0; o < cout; o++) {
    for (let tap = 0; tap < kh * kw; tap++) {
      for (let c = 0; c < cinG; c++) {
        let w = offset.data[o];
        for (let j = 0; j < m; j++) {
          const word = bits.data[((j * cout + o) * kh * kw + tap) * words + (c >>> 5)];
          w += ((word >>> (c & 31)) & 1 ? -1 : 1) * scales.data[o * m + j];
        }
        qw[(o * kh * kw + tap) * cinG + c] = w;
      }
    }
  }
  const coutG = cout / groups;
  const y = new Float64Array(batch * outH * outW * cout);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / coutG);
          let acc = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - win.padTop + ky * dh;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - win.padLeft + kx * dw;
              if (ix < 0 || ix >= inW) continue;
              for (let c = 0; c < cinG; c++) {
                acc +=
                  qa[((b * inH + iy) * inW + ix) * cin + g * cinG + c] *
                  qw[(o * kh * kw + ky * kw + kx) * cinG + c];
              }
            }
          }
          let v = (scale ? scale.data[o] : 1) * acc + (bias ? bias.data[o] : 0);
          if (attrs.activation === 'relu') v = Math.max(v, 0);
          else if (attrs.activation === 'hardtanh') v = Math.min(Math.max(v, -1), 1);
          y[((b * outH + oy) * outW + ox) * cout + o] = v;
        }
      }
    }
  }
  return y;
}
