import type { KernelConfig } from '../kernel.js';
import { concat } from './concat.js';
import { convTranspose2d } from './conv-transpose2d.js';
import { conv2d } from './conv2d.js';
import { dense } from './dense.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { add, batchNorm, clip, prelu, relu } from './elementwise.js';
import { logSoftmax } from './log-softmax.js';
import { matmul } from './matmul.js';
import { paConv2d } from './pa-conv2d.js';
import { pad } from './pad.js';
import { avgPool, globalAvgPool, maxPool } from './pooling.js';
import { flatten, reshape } from './reshape.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';

/** Every kernel of the js backend, by op. */
export const KERNELS = new Map<string, KernelConfig>(
  [
    add,
    avgPool,
    batchNorm,
    clip,
    concat,
    conv2d,
    convTranspose2d,
    dense,
    depthwiseConv2d,
    flatten,
    globalAvgPool,
    logSoftmax,
    matmul,
    maxPool,
    pad,
    paConv2d,
    prelu,
    relu,
    reshape,
    sigmoid,
    softmax,
    tanh,
    transpose,
  ].map((k) => [k.op, k as KernelConfig]),
);
