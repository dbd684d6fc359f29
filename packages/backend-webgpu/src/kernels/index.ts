import type { GpuKernelDef } from '../gpu-kernel.js';
import { conv2dKernel } from './conv2d.js';
import { denseKernel } from './dense.js';
import { addKernel, batchNormKernel, unaryKernel } from './elementwise.js';
import { concatKernel, padKernel, reshapeKernel } from './layout.js';
import { paConv2dKernel } from './pa-conv2d.js';
import { globalAvgPoolKernel, poolKernel } from './pooling.js';
import { softmaxKernel } from './softmax.js';

/**
 * Every kernel of the webgpu backend, by op: adding an op is one file here (and its WGSL).
 * Whole zoo models stay on the GPU; other ops run on js, listed in the session's profile.
 */
export const GPU_KERNELS: ReadonlyMap<string, GpuKernelDef> = new Map(
  [
    paConv2dKernel,
    conv2dKernel,
    batchNormKernel,
    unaryKernel,
    addKernel,
    concatKernel,
    poolKernel,
    globalAvgPoolKernel,
    padKernel,
    denseKernel,
    reshapeKernel,
    softmaxKernel,
  ].flatMap((k) => k.ops.map((op): [string, GpuKernelDef] => [op, k])),
);
