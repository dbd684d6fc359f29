import type { Attrs, DType, Shape, Tensor, TensorInfo } from '@pabnn/ir';

/** Storage a backend owns (an ArrayBuffer, a GPUBuffer, ...). The runtime only sizes and reuses it. */
export interface BackendBuffer {
  readonly byteLength: number;
}

/** A tensor living on a backend: dtype and concrete shape over (part of) a buffer. */
export interface BackendTensor {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly buffer: BackendBuffer;
}

/** What a kernel sees of its node when it is prepared. Shapes may hold -1 (unknown until run). */
export interface KernelNode {
  name: string;
  op: string;
  /** Attributes with every default filled in. */
  attrs: Attrs;
  inputs: (TensorInfo | undefined)[];
  outputs: TensorInfo[];
}

/** Whatever a backend keeps from `prepare` (packed weights, compiled pipelines). */
export type PreparedKernel = unknown;

/**
 * One instance of a backend. The runtime allocates buffers through it, uploads constants and
 * inputs once, prepares each node once per session, and runs nodes on backend tensors;
 * `download` is the only way back to host memory.
 */
export interface Backend {
  readonly name: string;
  /** IR op types this backend implements; the runtime falls back to 'js' for the rest. */
  readonly ops: readonly string[];
  /**
   * Optional: whether this backend runs this particular node (e.g. a kernel that needs
   * constant weights or per-layer activation levels). `constant[i]` tells whether input i is
   * a constant. A node it declines runs on js, reported as a fallback. Absent: every node of
   * a declared op.
   */
  supportsNode?(node: KernelNode, constant: boolean[]): boolean;
  /** New storage of at least `byteLength` bytes, zero-filled. */
  alloc(byteLength: number): BackendBuffer;
  free(buffer: BackendBuffer): void;
  /** Copies host data into `buffer` (a new one when absent) and returns the tensor there. */
  upload(tensor: Tensor, buffer?: BackendBuffer): BackendTensor;
  download(tensor: BackendTensor): Tensor | Promise<Tensor>;
  /**
   * Optional: checks a float32 tensor for NaN and +-Infinity where it lives, queued with the
   * run's work, instead of the runtime scanning the input on the host first (a batch-32 ImageNet
   * input is 19 MB). Returns a function that resolves to whether any element is non-finite; the
   * runtime calls it after the run's downloads. Absent: the runtime scans on the host.
   */
  checkFinite?(tensor: BackendTensor): () => Promise<boolean>;
  /** Once per node and session. `constants[i]` holds input i's data when it is a constant. */
  prepare(node: KernelNode, constants: (Tensor | undefined)[]): PreparedKernel;
  /** Computes the node's outputs into `outputs` (already allocated with their shapes). */
  run(
    prepared: PreparedKernel,
    inputs: (BackendTensor | undefined)[],
    outputs: BackendTensor[],
  ): void | Promise<void>;
  /** Frees everything the backend holds; the instance is unusable afterwards. */
  dispose(): void;
}

export interface BackendOptions {
  /** Worker threads for backends that have them (1 = single-threaded). */
  threads?: number;
  [option: string]: unknown;
}

/**
 * A backend plugin: a plain object registered with `registerBackend`. `apiVersion` is the
 * version of this interface it was written against (semver; majors must match).
 */
export interface BackendPlugin {
  name: string;
  apiVersion: string;
  /** Higher wins when the runtime picks automatically. */
  priority: number;
  /** Cheap check whether the backend can run here (WebGPU adapter present, SIMD, ...). */
  isSupported(): boolean | Promise<boolean>;
  create(options?: BackendOptions): Backend | Promise<Backend>;
}
