import type { WasmKernel } from '../kernel.js';
import { batchNormKernel } from './batch-norm.js';
import { concatKernel } from './concat.js';
import { conv2dKernel } from './conv2d.js';
import { denseKernel } from './dense.js';
import { addKernel, clipKernel, reluKernel } from './elementwise.js';
import { paConv2dKernel } from './pa-conv2d.js';
import { globalAvgPoolKernel, poolKernel } from './pooling.js';

/**
 * Every kernel of the wasm backend, by op: adding an op here (one file in this folder, and its
 * asm export) is all the backend needs. Other ops run on js, listed in the session's profile.
 */
export const WASM_KERNELS: ReadonlyMap<string, WasmKernel> = new Map(
  [
    paConv2dKernel,
    conv2dKernel,
    batchNormKernel,
    reluKernel,
    clipKernel,
    addKernel,
    poolKernel,
    globalAvgPoolKernel,
    denseKernel,
    concatKernel,
  ].flatMap((k) => k.ops.map((op): [string, WasmKernel] => [op, k as WasmKernel])),
);
