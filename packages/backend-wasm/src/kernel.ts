import type { BackendTensor, KernelNode } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import type { PAConvPath } from './kernel-choice.js';
import type { ThreadPool } from './thread-pool.js';
import type { WasmMemory } from './wasm-memory.js';
import type { PAKernels } from './wasm-module.js';

/** What every wasm kernel works with: the module's exports, its memory and the worker pool. */
export interface WasmContext {
  kernels: PAKernels;
  memory: WasmMemory;
  /** The worker pool, when the backend runs more than one thread. */
  pool?: ThreadPool;
  /** Threads a call may be split over (1 without a pool): per-thread scratch is sized for it. */
  threads: number;
  /** Whether the SIMD build runs (the scalar build has no vector float conv). */
  simd: boolean;
  /** PAConv2D's path: 'auto' (kernel-choice.ts paConvPathFor) or one forced for every node. */
  paConvPath: 'auto' | PAConvPath;
  /** Byte offset of a tensor's buffer in the module's memory. */
  offsetOf(t: BackendTensor): number;
}

/**
 * One kernel of the wasm backend (one file per op in kernels/, like backend-js): `supports`
 * says whether it runs this node (constant weights, shapes it handles; absent: every node of
 * its ops), `prepare` lays the constants out in wasm memory once per session, `run` computes
 * the output from tensors in wasm memory.
 */
export interface WasmKernel<State = unknown> {
  ops: readonly string[];
  /** Why `supports` may say no, for the error when a node is prepared anyway. */
  needs?: string;
  supports?(node: KernelNode, constant: boolean[]): boolean;
  prepare(ctx: WasmContext, node: KernelNode, constants: (Tensor | undefined)[]): State;
  run(
    ctx: WasmContext,
    state: State,
    inputs: (BackendTensor | undefined)[],
    output: BackendTensor,
  ): void;
}

export function defineKernel<State>(kernel: WasmKernel<State>): WasmKernel<State> {
  return kernel;
}

/** Elements of a shape. */
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
