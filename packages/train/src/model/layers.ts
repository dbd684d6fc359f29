import type * as tf from '@tensorflow/tfjs-core';
import type { ActivationQuantizer } from '../quant/activation-quantizers.js';
import type { LatentWeightQuantizer } from '../quant/weight-fake-quant.js';

/** A conv's trainable state. Latent weights are HWIO ([kh, kw, C, 1] when depthwise). */
export interface ConvParams {
  weight: tf.Variable;
  /** Name of the OHWI float tensor in zoo weights (`<layer>/weight`). */
  weightName: string;
  outChannels: number;
  depthwise: boolean;
  bias?: tf.Variable;
  /** Binarized (PAConv2D) layers: the weight quantizer and the input's activation staircase. */
  binary?: { weights: LatentWeightQuantizer; activations?: ActivationQuantizer };
}

export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
  epsilon: number;
}

export interface DenseParams {
  /** [in, out] (transposed from the IR's [out, in]). */
  weight: tf.Variable;
  weightName: string;
  bias?: tf.Variable;
  biasName?: string;
}
