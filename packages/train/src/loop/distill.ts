import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import type { TrainableModel } from '../model/trainable-model.js';

/** Default softmax temperature of the teacher's and the student's soft outputs. */
export const DEFAULT_DISTILL_TEMPERATURE = 4;
/** Default weight of the soft (teacher) term; the hard labels get 1 - alpha. */
export const DEFAULT_DISTILL_ALPHA = 0.9;

/**
 * Knowledge distillation (Hinton, Vinyals and Dean, "Distilling the Knowledge in a Neural
 * Network", 2015): the student learns the teacher's softened class probabilities besides the
 * labels. For binarized nets the teacher is the float net the fine-tuning starts from
 * (docs/PA-METHOD.md, Training).
 */
export interface DistillOptions {
  /**
   * The teacher: a model run in inference mode (batch-norm running statistics, no update; its
   * weights are not trained), or a function from a batch (NHWC) to its logits [batch, classes].
   */
  teacher: TrainableModel | ((x: tf.Tensor4D) => tf.Tensor2D);
  /** Softmax temperature T > 0 of both soft outputs. Default 4 (DEFAULT_DISTILL_TEMPERATURE). */
  temperature?: number;
  /** Weight in [0, 1] of the soft term; the hard-label cross-entropy gets 1 - alpha. Default 0.9. */
  alpha?: number;
}

/** The teacher, temperature and alpha of `options`, checked (a TrainError names what is wrong). */
export function resolveDistill(options: DistillOptions): {
  teacherLogits: (x: tf.Tensor4D) => tf.Tensor2D;
  temperature: number;
  alpha: number;
} {
  const temperature = options.temperature ?? DEFAULT_DISTILL_TEMPERATURE;
  const alpha = options.alpha ?? DEFAULT_DISTILL_ALPHA;
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new TrainError('options', `distill.temperature must be > 0, got ${temperature}`);
  }
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new TrainError('options', `distill.alpha must be in [0, 1], got ${alpha}`);
  }
  const { teacher } = options;
  if (typeof teacher !== 'function' && typeof teacher?.forward !== 'function') {
    throw new TrainError('options', 'distill.teacher must be a TrainableModel or a function');
  }
  const teacherLogits =
    typeof teacher === 'function'
      ? teacher
      : (x: tf.Tensor4D) => (teacher as TrainableModel).forward(x, false);
  return { teacherLogits, temperature, alpha };
}

/** Mean cross-entropy of `logits` [B, C] against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: Uint8Array): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/**
 * The distillation loss of a batch, averaged over its images b:
 *
 *   L = (1 - alpha) * CE(y_b, softmax(z_b)) + alpha * T^2 * KL(p_b || q_b),
 *   p_b = softmax(t_b / T) (teacher), q_b = softmax(z_b / T) (student),
 *   KL(p || q) = sum_c p_c (log p_c - log q_c),
 *
 * with z the student's logits, t the teacher's (held constant: no gradient flows into them)
 * and y the hard labels. T^2 keeps the soft term's gradient on the scale of the hard one as T
 * changes (Hinton et al. 2015, section 2). The gradient needs no custom code (TF.js derives it
 * from these ops); per image and class it is
 *
 *   dL/dz_c = (1 - alpha) * (softmax(z)_c - [y = c]) + alpha * T * (q_c - p_c),
 *
 * divided by the batch size for the mean. alpha = 0 is plain cross-entropy; L = 0 for the
 * soft term when the student's logits equal the teacher's (up to a constant per image).
 */
export function distillationLoss(
  logits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: Uint8Array,
  temperature: number,
  alpha: number,
): tf.Scalar {
  return tf.tidy(() => {
    const hard = crossEntropy(logits, labels);
    if (alpha === 0) return hard;
    // the teacher's logits are computed outside the gradient's scope (trainStep): a constant here
    const logP = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const logQ = tf.logSoftmax(tf.div(logits, temperature));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1));
    const soft = tf.mul(kl, temperature * temperature);
    return tf.add(tf.mul(hard, 1 - alpha), tf.mul(soft, alpha)) as tf.Scalar;
  });
}
