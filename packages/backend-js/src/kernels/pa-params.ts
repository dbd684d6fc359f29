import { paConvParameters } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { packedWords } from '@pabnn/ir';
import { decompose, tapSums } from '@pabnn/quantizer';

/** What the PA kernel derives from the PAConv2D parameters, once per session. */
export interface PAParams {
  m: number;
  n: number;
  cout: number;
  kh: number;
  kw: number;
  cinG: number;
  words: number;
  /** [M, Cout, kh, kw, words] weight bit-planes. */
  bits: Uint32Array;
  /** a_m per output channel, [Cout, M]. */
  a: Float64Array;
  /** c_w per output channel. */
  cw: Float64Array;
  /** Q_w summed over the channels of each (o, tap): border taps drop out of the correction. */
  tapSumQw: Float64Array;
  /** Per-layer activation staircase: thresholds, levels, b_n and c_a. Null when per channel. */
  act: { thresholds: Float32Array; levels: Float64Array; b: Float64Array; ca: number } | null;
  /** Per-channel activation staircases ([C, N] and [C, N + 1]) and the dequantized Q_w. */
  perChannel: { thresholds: Float32Array; levels: Float32Array; qw: Float64Array } | null;
}

export function paParams(inputs: (Tensor | undefined)[]): PAParams {
  const {
    weightBits: bitsT,
    weightScales: scalesT,
    weightOffset: offsetT,
    actThresholds: thresholdsT,
    actLevels: levelsT,
  } = paConvParameters(inputs);
  const [m, cout, kh, kw, cinG] = bitsT.shape;
  const n = thresholdsT.shape[thresholdsT.shape.length - 1];
  const words = packedWords(cinG);
  const bits = bitsT.data as Uint32Array;
  const a = Float64Array.from(scalesT.data);
  const cw = Float64Array.from(offsetT.data);
  const taps = kh * kw;
  const tapSumQw = tapSums(bitsT, scalesT, offsetT);
  const qw = new Float64Array(cout * taps * cinG);
  for (let o = 0; o < cout; o++) {
    for (let tap = 0; tap < taps; tap++) {
      for (let c = 0; c < cinG; c++) {
        let w = cw[o];
        for (let j = 0; j < m; j++) {
          const word = bits[((j * cout + o) * taps + tap) * words + (c >>> 5)];
          w += (word >>> (c & 31)) & 1 ? -a[o * m + j] : a[o * m + j];
        }
        qw[(o * taps + tap) * cinG + c] = w;
      }
    }
  }
  const thresholds = thresholdsT.data as Float32Array;
  const levels = levelsT.data as Float32Array;
  if (thresholdsT.shape.length === 2) {
    return {
      m,
      n,
      cout,
      kh,
      kw,
      cinG,
      words,
      bits,
      a,
      cw,
      tapSumQw,
      act: null,
      perChannel: { thresholds, levels, qw },
    };
  }
  // Q_a = c_a + sum_j b_j sign(x - t_j) (@pabnn/quantizer decompose)
  const stairs = decompose({
    thresholds: Float64Array.from(thresholds),
    levels: Float64Array.from(levels),
  });
  const act = {
    thresholds,
    levels: Float64Array.from(levels),
    b: stairs.coefficients,
    ca: stairs.constant,
  };
  return { m, n, cout, kh, kw, cinG, words, bits, a, cw, tapSumQw, act, perChannel: null };
}
