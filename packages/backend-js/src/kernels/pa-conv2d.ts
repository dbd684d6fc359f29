import { PA_PARAMETER_INPUTS, paConvInputs } from '@pabnn/backend';
import type { Attrs, Tensor } from '@pabnn/ir';
import { resolveWindow } from '@pabnn/ir';
import { pieceIndex } from '@pabnn/quantizer';
import { defineKernel } from '../kernel.js';
import { groupedConv } from './float-conv.js';
import { type PAParams, paParams } from './pa-params.js';
import { POPCOUNT16 } from './popcount.js';

/** scale, bias and activation: the fused epilogue of PAConv2D. */
function epilogueFor(
  attrs: Attrs,
  scale?: Tensor,
  bias?: Tensor,
): (o: number, acc: number) => number {
  const s = scale?.data;
  const b = bias?.data;
  const act = attrs.activation as string;
  return (o, acc) => {
    let v = (s ? s[o] : 1) * acc + (b ? b[o] : 0);
    if (act === 'relu') v = Math.max(v, 0);
    else if (act === 'hardtanh') v = v < -1 ? -1 : Math.min(v, 1);
    return v;
  };
}

/** Per-channel activation levels cannot be factored out of the popcount: float path. */
function runPerChannel(
  p: PAParams,
  x: Tensor,
  attrs: Attrs,
  y: Tensor,
  epilogue: (o: number, acc: number) => number,
) {
  const { thresholds, levels, qw } = p.perChannel!;
  const cin = x.shape[3];
  const qa = new Float64Array(x.data.length);
  for (let i = 0; i < qa.length; i++) {
    const c = i % cin;
    qa[i] =
      levels[c * (p.n + 1) + pieceIndex(thresholds.subarray(c * p.n, (c + 1) * p.n), x.data[i])];
  }
  groupedConv(
    { data: qa, shape: x.shape },
    { data: qw, shape: [p.cout, p.kh, p.kw, p.cinG] },
    attrs,
    attrs.groups as number,
    y,
    epilogue,
  );
}

/**
 * The bitwise PA convolution (docs/PA-METHOD.md). With Q_a = c_a + sum_n b_n H_n and
 * Q_w = c_w + sum_m a_m B_m, summed over the taps inside the input (zero padding):
 *   y = c_a * sum Q_w + c_w * (sum Q_a - c_a * K C) + sum_{m,n} a_m b_n (K C - 2 popcount(H_n xor B_m))
 * where K is the number of valid taps and C the channels per group. Activations are
 * binarized once per base into bit-planes shared by all M weight bases.
 */
function runBitwise(
  p: PAParams,
  x: Tensor,
  attrs: Attrs,
  y: Tensor,
  epilogue: (o: number, acc: number) => number,
) {
  const { m, n, cout, kh, kw, cinG, words, bits, a, cw, tapSumQw } = p;
  const { thresholds, levels, b: bn, ca } = p.act!;
  const [batch, inH, inW, cin] = x.shape;
  const groups = attrs.groups as number;
  const coutG = cout / groups;
  const taps = kh * kw;
  const pixels = batch * inH * inW;
  const xs = x.data;

  // 1. binarize: planes[((pix * groups + g) * N + j) * words + w], and each pixel's sum of Q_a
  const planes = new Uint32Array(pixels * groups * n * words);
  const qsum = new Float64Array(pixels * groups);
  for (let pix = 0; pix < pixels; pix++) {
    for (let c = 0; c < cin; c++) {
      const v = xs[pix * cin + c];
      const g = Math.floor(c / cinG);
      const cg = c - g * cinG;
      qsum[pix * groups + g] += levels[pieceIndex(thresholds, v)];
      const base = (pix * groups + g) * n * words + (cg >>> 5);
      const bit = 1 << (cg & 31);
      for (let j = 0; j < n; j++) if (!(v >= thresholds[j])) planes[base + j * words] |= bit;
    }
  }

  // 2. popcount convolution, one output pixel at a time over its valid taps
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  const [, outH, outW] = y.shape;
  const validTap = new Int32Array(taps);
  const validPix = new Int32Array(taps);
  const boxQa = new Float64Array(groups);
  const out = y.data;
  for (let bi = 0; bi < batch; bi++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let k = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - win.padTop + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - win.padLeft + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            validTap[k] = ky * kw + kx;
            validPix[k++] = (bi * inH + iy) * inW + ix;
          }
        }
        const kc = k * cinG;
        boxQa.fill(0);
        for (let t = 0; t < k; t++)
          for (let g = 0; g < groups; g++) boxQa[g] += qsum[validPix[t] * groups + g];
        const yBase = ((bi * outH + oy) * outW + ox) * cout;
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / coutG);
          let sumQw = 0;
          for (let t = 0; t < k; t++) sumQw += tapSumQw[o * taps + validTap[t]];
          let acc = ca * sumQw + cw[o] * (boxQa[g] - ca * kc);
          for (let mm = 0; mm < m; mm++) {
            const wPlane = (mm * cout + o) * taps;
            for (let nn = 0; nn < n; nn++) {
              let pop = 0;
              for (let t = 0; t < k; t++) {
                const hb = ((validPix[t] * groups + g) * n + nn) * words;
                const wb = (wPlane + validTap[t]) * words;
                for (let w = 0; w < words; w++) {
                  const v = planes[hb + w] ^ bits[wb + w];
                  pop += POPCOUNT16[v & 0xffff] + POPCOUNT16[v >>> 16];
                }
              }
              acc += a[o * m + mm] * bn[nn] * (kc - 2 * pop);
            }
          }
          out[yBase + o] = epilogue(o, acc);
        }
      }
    }
  }
}

export const paConv2d = defineKernel<PAParams | null>({
  op: 'PAConv2D',
  // weights and staircases are constants in a real model: derive everything once
  prepare: (_node, constants) => {
    const named = paConvInputs(constants);
    return PA_PARAMETER_INPUTS.every((name) => named[name]) ? paParams(constants) : null;
  },
  run(state, node, inputs, [y]) {
    const p = state ?? paParams(inputs);
    const { x, scale, bias } = paConvInputs(inputs);
    const epilogue = epilogueFor(node.attrs, scale, bias);
    if (p.perChannel) runPerChannel(p, x!, node.attrs, y, epilogue);
    else runBitwise(p, x!, node.attrs, y, epilogue);
  },
});
