import { type Node, resolveWindow } from '@pabnn/ir';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { batchNormInfer, batchNormTrain } from '../ops/batch-norm.js';
import { conv2d } from '../ops/conv2d.js';
import type { ConvWindow } from '../ops/window.js';
import { fakeQuantWeights } from '../quant/weight-fake-quant.js';
import type { BatchNormParams, ConvParams, DenseParams } from './layers.js';

/** What an op's training implementation reads: the model's parameters and the run's values. */
export interface TrainContext {
  convs: ReadonlyMap<string, ConvParams>;
  norms: ReadonlyMap<string, BatchNormParams>;
  denses: ReadonlyMap<string, DenseParams>;
  /** Q(w) of each binarized layer for the current step (TrainableModel#prepare). */
  quantized: ReadonlyMap<string, tf.Tensor>;
  /**
   * Binarized convs use their float latent weights (the activations-only stage of staged
   * binarization; prepare's `floatWeights`): only their inputs are quantized.
   */
  floatWeights: boolean;
  /** Weight of the batch in the running BN statistics of a training-mode forward. */
  runningMomentum: number;
  training: boolean;
  /** A value of the run by name (a typed error when it is not computed yet). */
  get(name: string): tf.Tensor;
}

/** One IR op as TF.js ops (differentiable): its first input is `x`. */
type TrainOp = (ctx: TrainContext, node: Node, x: tf.Tensor) => tf.Tensor;

function window(node: Node, x: tf.Tensor, kernel: number[]): ConvWindow {
  const w = resolveWindow(
    x.shape[1] as number,
    x.shape[2] as number,
    kernel,
    { padding: 'explicit', strides: [1, 1], pads: [0, 0, 0, 0], ...node.attrs },
    (node.attrs.dilations as number[] | undefined) ?? [1, 1],
  );
  return {
    strides: (node.attrs.strides as [number, number] | undefined) ?? [1, 1],
    pads: [w.padTop, w.padLeft, w.padBottom, w.padRight],
  };
}

/** Float convs, and PAConv2D as a conv of fake-quantized weights over the staircase of x. */
const conv: TrainOp = (ctx, node, x) => {
  const c = ctx.convs.get(node.name) as ConvParams;
  const dil = node.attrs.dilations as number[] | undefined;
  if (dil && (dil[0] !== 1 || dil[1] !== 1))
    throw new TrainError('unsupported-op', `node '${node.name}': dilated convs do not train yet`);
  const [kh, kw] = c.weight.shape;
  let input = x as tf.Tensor4D;
  let weight: tf.Tensor4D = c.weight as tf.Tensor4D;
  if (c.binary) {
    input = c.binary.activations?.apply(x) as tf.Tensor4D;
    if (!ctx.floatWeights) {
      const quantized = ctx.quantized.get(node.name);
      if (!quantized)
        throw new TrainError('prepare', `layer '${node.name}': call prepare() before forward()`);
      weight = fakeQuantWeights(c.weight, quantized);
    }
  }
  const y = conv2d(input, weight, window(node, x, [kh, kw]), c.depthwise);
  return c.bias ? tf.add(y, c.bias) : y;
};

/** Batch statistics while training (running statistics updated PyTorch's way), else running. */
const batchNorm: TrainOp = (ctx, node, x) => {
  const p = ctx.norms.get(node.name) as BatchNormParams;
  const x4 = x as tf.Tensor4D;
  const [gamma, beta, mean1, var1] = [p.gamma, p.beta, p.mean, p.variance] as tf.Tensor1D[];
  if (!ctx.training) return batchNormInfer(x4, gamma, beta, mean1, var1, p.epsilon);
  return batchNormTrain(x4, gamma, beta, p.epsilon, (mean, variance) => {
    const m = x.size / (x.shape[3] as number);
    tf.tidy(() => {
      const mo = ctx.runningMomentum;
      p.mean.assign(tf.add(tf.mul(p.mean, 1 - mo), tf.mul(mean, mo)));
      const unbiased = tf.mul(variance, m / Math.max(1, m - 1));
      p.variance.assign(tf.add(tf.mul(p.variance, 1 - mo), tf.mul(unbiased, mo)));
    });
  });
};

const pool: TrainOp = (_ctx, node, x) => {
  const k = node.attrs.kernelShape as [number, number];
  const win = window(node, x, k);
  const [pt, pl, pb, pr] = win.pads;
  const padded = pt || pl || pb || pr;
  if (node.op === 'AvgPool' && padded)
    throw new TrainError(
      'unsupported-op',
      `node '${node.name}': padded AvgPool does not train yet`,
    );
  const input = padded
    ? tf.pad(
        x,
        [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ],
        -3.4e38,
      )
    : x;
  const op = node.op === 'MaxPool' ? tf.maxPool : tf.avgPool;
  return op(input as tf.Tensor4D, k, win.strides, 'valid');
};

const dense: TrainOp = (ctx, node, x) => {
  const d = ctx.denses.get(node.name) as DenseParams;
  const y = tf.matMul(x as tf.Tensor2D, d.weight as tf.Tensor2D);
  return d.bias ? tf.add(y, d.bias) : y;
};

/**
 * Every IR op the trainer runs, by op: adding an op to training is one entry here. The graph is
 * the zoo's own, so a model trains with the structure and layer names it is exported with.
 */
export const TRAIN_OPS: Readonly<Record<string, TrainOp>> = {
  Conv2D: conv,
  PAConv2D: conv,
  BatchNorm: batchNorm,
  Relu: (_ctx, _node, x) => tf.relu(x),
  Clip: (_ctx, node, x) => tf.clipByValue(x, node.attrs.min as number, node.attrs.max as number),
  Add: (ctx, node, x) => tf.add(x, ctx.get(node.inputs[1])),
  Concat: (ctx, node) =>
    tf.concat(node.inputs.map(ctx.get), (node.attrs.axis as number | undefined) ?? -1),
  MaxPool: pool,
  AvgPool: pool,
  GlobalAvgPool: (_ctx, node, x) => tf.mean(x, [1, 2], Boolean(node.attrs.keepDims)),
  Dense: dense,
  Flatten: (_ctx, _node, x) => tf.reshape(x, [x.shape[0], -1]),
};

/** Runs one node (a typed error for an op without a training implementation). */
export function runTrainOp(ctx: TrainContext, node: Node, x: tf.Tensor): tf.Tensor {
  const op = Object.hasOwn(TRAIN_OPS, node.op) ? TRAIN_OPS[node.op] : undefined;
  if (!op)
    throw new TrainError(
      'unsupported-op',
      `node '${node.name}': op ${node.op} has no training implementation`,
    );
  return op(ctx, node, x);
}
