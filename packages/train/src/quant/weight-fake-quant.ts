import { pieceIndex, type Quantizer } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from '../ops/custom-grad.js';
import { readBack } from '../read-back.js';
import { levelsOnlyOnDevice, thresholdTensor, xnorOnDevice } from './device-weight-quant.js';

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
 * staircases every step (cheap). `exact` (evaluation, export) always refits, on the host.
 *
 * Where the weights live on a device (WebGPU), every read-back drains its queue: XNOR's fit and
 * PA's levels-only steps therefore run as tensor ops where the weights are
 * (device-weight-quant.ts), and only PA's refit steps and ABC (whose least-squares solve stays
 * on the host) read the weights back.
 */
export class LatentWeightQuantizer {
  private thresholds?: Float64Array[];
  /** The thresholds above as a [M, outChannels] tensor, for the levels-only steps. */
  private thresholdsOnDevice?: tf.Tensor2D;
  private steps = 0;

  constructor(
    readonly quantizer: Quantizer,
    readonly outChannels: number,
    readonly refitEvery = 1,
  ) {}

  /** Whether the next apply, unless exact, reads the weights back (a host-side fit). */
  get readsBack(): boolean {
    const name = this.quantizer.config.name;
    if (name === 'xnor') return false;
    return !(name === 'pa' && this.thresholds !== undefined && this.steps % this.refitEvery !== 0);
  }

  /** Q(w) as a tensor (read back asynchronously: WebGPU in Node has no sync reads). */
  async apply(w: tf.Variable, exact = false): Promise<tf.Tensor> {
    if (!exact && !this.readsBack) {
      this.steps++;
      if (this.quantizer.config.name === 'xnor') return xnorOnDevice(w, this.outChannels);
      return levelsOnlyOnDevice(w, this.thresholdsOnDevice as tf.Tensor2D);
    }
    const data = (await readBack(w)) as Float32Array;
    this.steps++;
    return tf.tensor(this.refit(data), w.shape);
  }

  private refit(data: Float32Array): Float32Array {
    this.thresholds = [];
    const q = quantizeLatent(data, this.outChannels, this.quantizer, this.thresholds);
    this.thresholdsOnDevice?.dispose();
    // kept past any scope the caller has open: later steps use it
    this.thresholdsOnDevice = tf.keep(thresholdTensor(this.thresholds));
    return q;
  }

  /** Frees the thresholds held on the device. */
  dispose(): void {
    this.thresholdsOnDevice?.dispose();
    this.thresholdsOnDevice = undefined;
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
