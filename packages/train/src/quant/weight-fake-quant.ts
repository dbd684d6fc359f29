import { pieceIndex, type Quantizer } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.js';
import { readBack } from '../read-back.js';

/**
 * Q(w) for a latent filter whose last axis (or last two, for depthwise) is the output channel:
 * the same @pabnn/quantizer object that export uses fits each channel's staircase from the
 * current latent weights (docs/PA-METHOD.md, Training: thresholds and levels are recomputed
 * every step).
 */
export function quantizeLatent(
  data: Float32Array,
  outChannels: number,
  quantizer: Quantizer,
  /** Receives each channel's thresholds when given. */
  thresholds?: Float64Array[],
): Float32Array {
  const inner = data.length / outChannels;
  const q = new Float32Array(data.length);
  const channel = new Float64Array(inner);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inner; i++) channel[i] = data[i * outChannels + o];
    const stairs = quantizer.fit(channel);
    thresholds?.push(Float64Array.from(stairs.thresholds));
    for (let i = 0; i < inner; i++) {
      q[i * outChannels + o] = stairs.levels[pieceIndex(stairs.thresholds, channel[i])];
    }
  }
  return q;
}

/**
 * Q(w) of one binarized layer, step after step. PA's optimal thresholds cost a sort and a
 * dynamic programme per channel (about 0.7 us a weight at M=4 on one core: 2 s a step for
 * MobileNet-V1's 3 M binarized weights), while one step moves the latent weights very little.
 * With `refitEvery` > 1, PA thresholds are refitted every that many steps; in between only the
 * levels follow the current weights, as each piece's mean under the last thresholds (the
 * least-squares levels for those thresholds, O(n)). ABC and XNOR fit their constrained
 * staircases every step (cheap). `exact` (evaluation, export) always refits.
 */
export class LatentWeightQuantizer {
  private thresholds?: Float64Array[];
  private steps = 0;

  constructor(
    readonly quantizer: Quantizer,
    readonly outChannels: number,
    readonly refitEvery = 1,
  ) {}

  /** Q(w) as a tensor (read back asynchronously: WebGPU in Node has no sync reads). */
  async apply(w: tf.Variable, exact = false): Promise<tf.Tensor> {
    const data = (await readBack(w)) as Float32Array;
    const stale =
      !exact &&
      this.thresholds !== undefined &&
      this.quantizer.config.name === 'pa' &&
      this.steps % this.refitEvery !== 0;
    this.steps++;
    const q = stale ? this.levelsOnly(data) : this.refit(data);
    return tf.tensor(q, w.shape);
  }

  private refit(data: Float32Array): Float32Array {
    this.thresholds = [];
    return quantizeLatent(data, this.outChannels, this.quantizer, this.thresholds);
  }

  private levelsOnly(data: Float32Array): Float32Array {
    const outChannels = this.outChannels;
    const inner = data.length / outChannels;
    const q = new Float32Array(data.length);
    const piece = new Uint8Array(inner);
    for (let o = 0; o < outChannels; o++) {
      const t = (this.thresholds as Float64Array[])[o];
      const sums = new Float64Array(t.length + 1);
      const counts = new Float64Array(t.length + 1);
      for (let i = 0; i < inner; i++) {
        const v = data[i * outChannels + o];
        const k = pieceIndex(t, v);
        piece[i] = k;
        sums[k] += v;
        counts[k]++;
      }
      for (let i = 0; i < inner; i++) {
        q[i * outChannels + o] = sums[piece[i]] / counts[piece[i]];
      }
    }
    return q;
  }
}

/**
 * Fake-quantized weights with the straight-through estimator: the forward pass sees Q(w)
 * (computed by LatentWeightQuantizer before the step), the gradient reaches the latent weights
 * unchanged (identity STE, as XNOR-Net and ABC-Net train their latent weights).
 */
export function fakeQuantWeights(latent: tf.Variable, quantized: tf.Tensor): tf.Tensor4D {
  const op = customGrad(() => ({ value: tf.clone(quantized), gradFunc: (dy) => dy }));
  return op(latent) as tf.Tensor4D;
}
