import * as tf from '@tensorflow/tfjs-core';

export type SaveTensors = (tensors: tf.Tensor[]) => void;

export interface CustomGradResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/** tf.customGrad with the inputs as one typed array and `save` apart (TF.js types mix them). */
export function customGrad(
  f: (inputs: tf.Tensor[], save: SaveTensors) => CustomGradResult,
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as SaveTensors;
    return f(args as tf.Tensor[], save);
  }) as never);
  return (...inputs) => (op as (...x: tf.Tensor[]) => tf.Tensor)(...inputs);
}
