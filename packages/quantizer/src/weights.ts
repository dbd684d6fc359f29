import { type Tensor, tensor } from '@pabnn/ir';
import { checkFinite, QuantizerError } from './errors.js';
import { packBits } from './packing.js';
import { type Quantizer, type QuantizerConfig, toQuantizer } from './quantizers/quantizer.js';
import { decompose, pieceIndex, type Staircase } from './staircase.js';

/** Per-output-channel quantized weights in the form PAConv2D takes (see @pabnn/ir). */
export interface QuantizedWeights {
  quantizer: QuantizerConfig;
  /** M: bit-planes per output channel. */
  bases: number;
  /** The float weights' shape, [Cout, ...] (OHWI for convolutions). */
  shape: number[];
  /** bits [M, ...shape], bit 1 = -1, packed along the last dim. */
  bits: Tensor;
  /** float32 [Cout, M]: coefficient a_m of each plane. */
  scales: Tensor;
  /** float32 [Cout]: the constant c of each channel's staircase. */
  offset: Tensor;
  /** Each channel's fitted staircase (float64). */
  staircases: Staircase[];
  /** ||w - Q(w)||^2 / ||w||^2 over the whole tensor (0 for an all-zero tensor). */
  relativeError: number;
}

/**
 * Quantizes a weight tensor channel by channel: output channel o is the contiguous block
 * weights[o * inner .. (o + 1) * inner) of a [Cout, ...] tensor. Throws QuantizerError on
 * NaN/Infinity (naming the index) and on empty tensors.
 */
export function quantizeWeights(
  weights: ArrayLike<number>,
  shape: readonly number[],
  quantizerOrConfig: Quantizer | QuantizerConfig,
): QuantizedWeights {
  const quantizer = toQuantizer(quantizerOrConfig);
  const total = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 1 || total === 0) {
    throw new QuantizerError(
      'empty',
      `cannot quantize an empty weight tensor of shape [${shape.join(', ')}]`,
    );
  }
  if (weights.length !== total) {
    throw new QuantizerError(
      'shape',
      `weights have ${weights.length} values, shape [${shape.join(', ')}] needs ${total}`,
    );
  }
  checkFinite(weights, 'weights');
  const m = quantizer.config.bases;
  const cout = shape[0];
  const inner = total / cout;
  const flags = new Uint8Array(m * total);
  const scales = new Float32Array(cout * m);
  const offset = new Float32Array(cout);
  const staircases: Staircase[] = [];
  let errorSum = 0;
  let normSum = 0;
  for (let o = 0; o < cout; o++) {
    const channel = new Float64Array(inner);
    for (let i = 0; i < inner; i++) channel[i] = weights[o * inner + i];
    const stairs = quantizer.fit(channel);
    const { constant, coefficients } = decompose(stairs);
    offset[o] = constant;
    for (let j = 0; j < m; j++) scales[o * m + j] = coefficients[j];
    for (let i = 0; i < inner; i++) {
      const w = channel[i];
      const k = pieceIndex(stairs.thresholds, w);
      const q = stairs.levels[k];
      errorSum += (w - q) ** 2;
      normSum += w * w;
      // plane j (1-based) is sign(w - t_j): -1 (bit 1) when the piece is below j
      for (let j = k; j < m; j++) flags[j * total + o * inner + i] = 1;
    }
    staircases.push(stairs);
  }
  return {
    quantizer: { ...quantizer.config },
    bases: m,
    shape: [...shape],
    bits: tensor('bits', [m, ...shape], packBits(flags, [m, ...shape])),
    scales: tensor('float32', [cout, m], scales),
    offset: tensor('float32', [cout], offset),
    staircases,
    relativeError: normSum === 0 ? 0 : errorSum / normSum,
  };
}

/** Q(w) from the stored form (bit-planes, float32 coefficients, constant): the inverse. */
export function dequantizeWeights(
  q: Pick<QuantizedWeights, 'bits' | 'scales' | 'offset' | 'shape' | 'bases'>,
): Float32Array {
  const total = q.shape.reduce((a, b) => a * b, 1);
  const channels = q.shape[q.shape.length - 1];
  const words = Math.ceil(channels / 32);
  const cout = q.shape[0];
  const inner = total / cout;
  const bits = q.bits.data as Uint32Array;
  const scales = q.scales.data as Float32Array;
  const offset = q.offset.data as Float32Array;
  const out = new Float32Array(total);
  const rowsPerPlane = total / channels;
  for (let i = 0; i < total; i++) {
    const o = Math.floor(i / inner);
    const row = Math.floor(i / channels);
    const c = i % channels;
    let v = offset[o];
    for (let j = 0; j < q.bases; j++) {
      const word = bits[(j * rowsPerPlane + row) * words + (c >>> 5)];
      v += ((word >>> (c & 31)) & 1 ? -1 : 1) * scales[o * q.bases + j];
    }
    out[i] = v;
  }
  return out;
}

/**
 * Sum over input channels of Q_w for each (output channel, tap) of a PAConv2D weight
 * [M, Cout, kh, kw, C] (float64, from the stored bit-planes and coefficients). Kernels need it
 * for the zero-padding correction: a tap outside the input drops its whole sum.
 */
export function tapSums(bits: Tensor, scales: Tensor, offset: Tensor): Float64Array {
  const [m, cout, kh, kw, c] = bits.shape;
  const words = Math.ceil(c / 32);
  const taps = kh * kw;
  const data = bits.data as Uint32Array;
  const sums = new Float64Array(cout * taps);
  for (let o = 0; o < cout; o++) {
    for (let tap = 0; tap < taps; tap++) {
      let sum = offset.data[o] * c;
      for (let j = 0; j < m; j++) {
        let negative = 0;
        for (let w = 0; w < words; w++) {
          let v = data[((j * cout + o) * taps + tap) * words + w];
          for (; v; v &= v - 1) negative++;
        }
        sum += scales.data[o * m + j] * (c - 2 * negative);
      }
      sums[o * taps + tap] = sum;
    }
  }
  return sums;
}

/**
 * tapSums summed over all taps of each output channel: the Q_w sum of a whole window, which an
 * interior pixel (every tap inside the input) needs once per channel instead of tap by tap.
 */
export function windowSums(perTap: Float64Array, cout: number): Float64Array {
  const taps = perTap.length / cout;
  return Float64Array.from({ length: cout }, (_, o) => {
    let sum = 0;
    for (let t = 0; t < taps; t++) sum += perTap[o * taps + t];
    return sum;
  });
}
