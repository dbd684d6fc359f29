import type { BackendBuffer, BackendTensor, KernelNode } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import type { FloatConvKernelChoice } from './float-conv-choice.js';
import type { PAConvKernelChoice } from './pa-conv2d-variant.js';
import { type CommandRecorder, KernelCall } from './recorder.js';

export interface GpuBuffer extends BackendBuffer {
  buffer: GPUBuffer;
}

/** What kernels get from the backend: the device, the recorder of the run, compiled pipelines. */
export interface GpuContext {
  device: GPUDevice;
  recorder: CommandRecorder;
  /** The pipeline of a WGSL source, compiled once per backend (generated ones on first use). */
  pipeline(code: string): GPUComputePipeline;
  options: WebGpuOptions;
  /** A storage buffer holding `data` (weights, folded constants). */
  storage(data: ArrayBufferView): GPUBuffer;
  /** A 16-byte buffer bound where an optional input is absent. */
  empty: GPUBuffer;
}

/** Options of `WebGpuBackend.create` (and of a session's `backendOptions`). */
export interface WebGpuOptions {
  /** The PAConv2D conv kernel: 'auto' (default, by shape), 'direct', 'tiled', 'tiled-wide', 'halo' or 'halo-fused' (pa-conv2d-variant.ts). */
  paConvKernel?: PAConvKernelChoice;
  /** The float Conv2D kernel: 'auto' (default: tiled for groups 1), 'direct' or 'tiled' (float-conv-choice.ts). */
  floatConvKernel?: FloatConvKernelChoice;
  /**
   * Time every dispatch on the GPU with timestamp queries where the adapter has the
   * 'timestamp-query' feature (`WebGpuBackend#timestamps` tells), read with
   * `readTimestamps()`; each dispatch then runs in its own compute pass. Default false.
   */
  timestamps?: boolean;
}

/** A node prepared for the GPU: records its dispatches into the run's encoder. */
export interface GpuKernel {
  run(inputs: (BackendTensor | undefined)[], outputs: BackendTensor[]): void;
}

export const gpuBuffer = (t: BackendTensor): GPUBuffer => (t.buffer as GpuBuffer).buffer;

export const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * A kernel of one dispatch per run (most float ops). Kernels own their weights and uniform
 * blocks until the backend's device is destroyed (dispose), which frees them all.
 */
export function singleCall(
  ctx: GpuContext,
  code: string,
  record: (
    call: KernelCall,
    inputs: (BackendTensor | undefined)[],
    outputs: BackendTensor[],
  ) => void,
): GpuKernel {
  const call = new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(code));
  return { run: (inputs, outputs) => record(call, inputs, outputs) };
}

/**
 * One op family of the webgpu backend (one file per op in kernels/, like backend-js and
 * backend-wasm): `supports` says whether it runs this node (absent: every node of its ops),
 * `prepare` uploads the constants once and returns the kernel that records a run's dispatches.
 */
export interface GpuKernelDef {
  ops: readonly string[];
  /** Why `supports` may say no, for the error when a node is prepared anyway. */
  needs?: string;
  supports?(node: KernelNode, constant: boolean[]): boolean;
  prepare(ctx: GpuContext, node: KernelNode, constants: (Tensor | undefined)[]): GpuKernel;
}

export function defineGpuKernel(def: GpuKernelDef): GpuKernelDef {
  return def;
}
