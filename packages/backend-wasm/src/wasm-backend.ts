import {
  type Backend,
  type BackendBuffer,
  BackendError,
  type BackendTensor,
  type KernelNode,
  uploadTarget,
} from '@pabnn/backend';
import { dataFromBytes, storageByteLength, type Tensor } from '@pabnn/ir';
import type { WasmContext, WasmKernel } from './kernel.js';
import { PA_CONV_PATHS, type PAConvPath } from './kernel-choice.js';
import { WASM_KERNELS } from './kernels/index.js';
import { MIN_NS_PER_PART } from './split-policy.js';
import { hardwareThreads, ThreadPool, threadsSupported } from './thread-pool.js';
import { WasmMemory } from './wasm-memory.js';
import { loadKernels, type PAKernels } from './wasm-module.js';
import { type WasmPaths, workerScriptUrl } from './wasm-paths.js';

/** A prepared node: its kernel and what the kernel's prepare kept. */
interface Prepared {
  kernel: WasmKernel;
  state: unknown;
}

interface WasmBuffer extends BackendBuffer {
  offset: number;
}

export interface WasmBackendOptions {
  /** Use the SIMD build where supported (default true); false forces the scalar build. */
  simd?: boolean;
  /**
   * Threads for PAConv2D and the float convs. 'auto' (the default): as many as the machine has
   * (at most 4) where SharedArrayBuffer exists (Node; browsers: cross-origin isolated pages),
   * else 1; if the workers cannot start it runs on 1. A number pins the count: with n > 1 the
   * threaded build runs on a shared memory and n - 1 workers (worker_threads in Node, Web Workers
   * in browsers) split each conv by output rows, and `create` fails with 'threads-unavailable'
   * where that is impossible. 1: no workers.
   */
  threads?: number | 'auto';
  /**
   * Estimated work, in ns, below which a conv or binarization is not split across threads
   * (default 20,000: a tiny layer runs faster on one thread than it takes to hand out; see
   * split-policy.ts). 0 splits every call, as the threaded conformance tests do.
   */
  minPartNs?: number;
  /**
   * How PAConv2D runs: 'auto' (the default) picks per layer the faster of two exact paths,
   * M x N XOR/popcount passes ('binary') or one float conv of the dequantized weights and the
   * input's staircase levels ('dequantized'), by their measured costs (kernel-choice.ts
   * paConvPathFor); the others force one path for every layer (both give the same outputs to
   * float32 rounding: the conformance suite runs each).
   */
  paConvPath?: 'auto' | PAConvPath;
  /**
   * Where the .wasm files are fetched from (default: the package's `wasm/` folder beside its
   * code): a folder URL serving them under their names, or a URL per file name (wasm-paths.ts).
   */
  wasmPaths?: WasmPaths;
  /** Where the thread pool's worker script (the package's `dist/kernel-worker.js`) is served. */
  workerUrl?: string | URL;
}

/** The most threads 'auto' picks: past 4, a conv of a small model splits into too little work. */
const AUTO_THREADS_MAX = 4;

/**
 * PAConv2D and the float ops around it (Conv2D, BatchNorm, Relu, Add) in WebAssembly on tensors
 * that live in the module's linear memory. Other ops run on js (the runtime reports them).
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly ops = [...WASM_KERNELS.keys()];
  private disposed = false;

  private constructor(
    private readonly kernels: PAKernels,
    private readonly memory: WasmMemory,
    /** Which build runs: 'simd' or 'scalar'. */
    readonly build: 'simd' | 'scalar',
    private readonly pool: ThreadPool | undefined,
    paConvPath: 'auto' | PAConvPath,
  ) {
    this.context = {
      kernels,
      memory,
      pool,
      threads: pool?.threads ?? 1,
      simd: build === 'simd',
      paConvPath,
      offsetOf: (t) => (t.buffer as WasmBuffer).offset,
    };
  }

  private readonly context: WasmContext;

  /** Threads that run the convs (1: the calling thread only). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    const asked = options.threads ?? 'auto';
    if (asked === 'auto') {
      const threads = threadsSupported() ? Math.min(AUTO_THREADS_MAX, await hardwareThreads()) : 1;
      if (threads > 1) {
        try {
          return await WasmBackend.start(options, threads);
        } catch (error) {
          if (!(error instanceof BackendError && error.code === 'threads-unavailable')) throw error;
        }
      }
      return WasmBackend.start(options, 1);
    }
    if (!Number.isInteger(asked) || asked < 1 || asked > 64)
      throw new BackendError(
        'bad-option',
        `wasm backend: threads must be 'auto' or an integer from 1 to 64, got ${asked}`,
      );
    if (asked > 1 && !threadsSupported())
      throw new BackendError(
        'threads-unavailable',
        `wasm backend: ${asked} threads need SharedArrayBuffer, which this environment lacks (browsers: serve the page cross-origin isolated, with COOP and COEP headers), or use threads: 1`,
      );
    return WasmBackend.start(options, asked);
  }

  private static async start(options: WasmBackendOptions, threads: number): Promise<WasmBackend> {
    const minPartNs = options.minPartNs ?? MIN_NS_PER_PART;
    if (!(minPartNs >= 0))
      throw new BackendError(
        'bad-option',
        `wasm backend: minPartNs must be >= 0, got ${minPartNs}`,
      );
    const paConvPath = options.paConvPath ?? 'auto';
    const allowed: readonly string[] = ['auto', ...PA_CONV_PATHS];
    if (!allowed.includes(paConvPath)) {
      const named = allowed.map((p) => `'${p}'`);
      throw new BackendError(
        'bad-option',
        `wasm backend: paConvPath must be ${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}, got ${String(paConvPath)}`,
      );
    }
    const { kernels, simd, shared } = await loadKernels(
      options.simd ?? true,
      threads > 1,
      options.wasmPaths,
    );
    const workerUrl = workerScriptUrl(options.workerUrl);
    const pool = shared
      ? await ThreadPool.create(
          threads,
          shared.module,
          shared.memory,
          kernels,
          minPartNs,
          workerUrl,
        )
      : undefined;
    return new WasmBackend(
      kernels,
      new WasmMemory(kernels.memory),
      simd ? 'simd' : 'scalar',
      pool,
      paConvPath,
    );
  }

  /**
   * Binary multiply-accumulates (XOR + popcount bits) per second of the integer half of the
   * PAConv2D micro-kernel alone (asm/popcount-peak.ts: two pixels x four channels) on rows that
   * stay in L1, best of the samples taken over `ms` ms, on one thread. A diagnostic: the conv
   * benchmark's "% of peak" is against the CPU's peak loop, not this.
   */
  popcountPeak(ms = 250): number {
    this.check();
    // two activation rows of 4 KiB and four weight rows of 4 KiB: L1-resident
    const words = 512;
    const [hBytes, wBytes] = [words * 8 * 2, words * 8 * 4];
    const h = this.memory.alloc(hBytes);
    const w = this.memory.alloc(wBytes);
    let seed = 12345;
    for (const [at, length] of [
      [h, hBytes],
      [w, wBytes],
    ]) {
      const bytes = new Uint8Array(this.memory.memory.buffer, at, length);
      for (let i = 0; i < length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    }
    let reps = 64;
    let best = 0;
    for (const started = performance.now(); performance.now() - started < ms; ) {
      const t0 = performance.now();
      this.kernels.popcountPeak(h, w, words, reps);
      const seconds = (performance.now() - t0) / 1000;
      // a sample too short to time doubles the next one
      if (seconds < ms / 5000) reps *= 2;
      else best = Math.max(best, (2 * 4 * words * 64 * reps) / seconds);
    }
    this.memory.release(h, hBytes);
    this.memory.release(w, wBytes);
    return best;
  }

  private check(): void {
    if (this.disposed)
      throw new BackendError('disposed', 'this wasm backend instance was disposed');
  }

  supportsNode(node: KernelNode, constant: boolean[]): boolean {
    const kernel = WASM_KERNELS.get(node.op);
    return kernel !== undefined && (kernel.supports?.(node, constant) ?? true);
  }

  alloc(byteLength: number): BackendBuffer {
    this.check();
    const buffer: WasmBuffer = { byteLength, offset: this.memory.alloc(byteLength) };
    return buffer;
  }

  free(buffer: BackendBuffer): void {
    const b = buffer as WasmBuffer;
    if (!this.disposed) this.memory.release(b.offset, b.byteLength);
  }

  upload(t: Tensor, buffer?: BackendBuffer): BackendTensor {
    this.check();
    const { target, needed } = uploadTarget<WasmBuffer>(this, t, buffer);
    this.memory
      .bytes(target.offset, needed)
      .set(new Uint8Array(t.data.buffer, t.data.byteOffset, needed));
    return { dtype: t.dtype, shape: [...t.shape], buffer: target };
  }

  download(t: BackendTensor): Tensor {
    this.check();
    const { offset } = t.buffer as WasmBuffer;
    // one copy out of linear memory, viewed as the tensor's dtype
    const data = dataFromBytes(
      t.dtype,
      this.memory.bytes(offset, storageByteLength(t.dtype, t.shape)),
    );
    return { dtype: t.dtype, shape: [...t.shape], data };
  }

  prepare(node: KernelNode, constants: (Tensor | undefined)[]): Prepared {
    this.check();
    const kernel = WASM_KERNELS.get(node.op);
    if (!kernel || !this.supportsNode(node, constants.map(Boolean)))
      throw new BackendError(
        'unsupported-node',
        `the wasm backend cannot run node '${node.name}' (${node.op})${kernel?.needs ? `: it needs ${kernel.needs}` : ''}`,
      );
    return { kernel, state: kernel.prepare(this.context, node, constants) };
  }

  run(prepared: unknown, inputs: (BackendTensor | undefined)[], outputs: BackendTensor[]): void {
    this.check();
    const { kernel, state } = prepared as Prepared;
    kernel.run(this.context, state, inputs, outputs[0]);
  }

  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
  }
}
