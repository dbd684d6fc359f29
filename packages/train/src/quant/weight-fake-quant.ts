import { pieceIndex, type Quantizer } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.js';
import { readBack } from '../read-back.js';

/**
 * Q(w) for a latent filter whose last axis (or last two, for depthwise) is the output channel:
 * the same @pabnn/quantizer object that export uses fits each channel's staircase from the
 * current latent weights (PA-METHOD.md: thresholds and levels are recomputed every step).
 */
export function quantizeLatent(
  data: Float32Array,
  outChannels: number,
  quantizer: Quantizer,
): Float32Array {
  const inner = data.length / outChannels;
  const q = new Float32Array(data.length);
  const channel = new Float64Array(inner);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inner; i++) channel[i] = data[i * outChannels + o];
    const stairs = quantizer.fit(channel);
    for (let i = 0; i < inner; i++) {
      q[i * outChannels + o] = stairs.levels[pieceIndex(stairs.thresholds, channel[i])];
    }
  }
  return q;
}

/** Q(w) of a latent variable as a tensor (read back asynchronously: WebGPU in Node has no sync reads). */
export async function quantizedWeights(
  w: tf.Variable,
  outChannels: number,
  quantizer: Quantizer,
): Promise<tf.Tensor> {
  const data = (await readBack(w)) as Float32Array;
  return tf.tensor(quantizeLatent(data, outChannels, quantizer), w.shape);
}

/**
 * Fake-quantized weights with the straight-through estimator: the forward pass sees Q(w)
 * (computed by quantizedWeights before the step), the gradient reaches the latent weights
 * unchanged (identity STE, as XNOR-Net and ABC-Net train their latent weights).
 */
export function fakeQuantWeights(latent: tf.Variable, quantized: tf.Tensor): tf.Tensor4D {
  const op = customGrad(() => ({ value: tf.clone(quantized), gradFunc: (dy) => dy }));
  return op(latent) as tf.Tensor4D;
}
