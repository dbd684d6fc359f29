import {
  type Backend,
  type BackendBuffer,
  BackendError,
  type BackendTensor,
  type KernelNode,
  uploadTarget,
} from '@pabnn/backend';
import { dataFromBytes, storageByteLength, type Tensor } from '@pabnn/ir';
import { FINITE_CHECK_WGSL, recordFiniteCheck } from './finite-check.js';
import { FLOAT_CONV_KERNEL_CHOICES } from './float-conv-choice.js';
import { FLOAT_SHADERS } from './float-ops-wgsl.js';
import { acquireDevice, releaseDevice } from './gpu.js';
import type { GpuBuffer, GpuContext, GpuKernel, WebGpuOptions } from './gpu-kernel.js';
import { GPU_KERNELS } from './kernels/index.js';
import { PA_CONV_KERNELS } from './pa-conv2d-variant.js';
import { BINARIZE_WGSL, CONV_WGSL } from './pa-conv2d-wgsl.js';
import { CommandRecorder } from './recorder.js';

const SHADERS = [BINARIZE_WGSL, CONV_WGSL, FINITE_CHECK_WGSL, ...FLOAT_SHADERS];

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/**
 * Uploads from this many bytes on (a model's input: 19 MB for a batch-32 ImageNet batch) go
 * through the backend's own mapped staging buffers, kept from run to run: the host's only work
 * is one copy into mapped memory, and nothing is allocated per run (queue.writeBuffer leaves
 * its staging memory to the implementation, which may set up a fresh one for each large write).
 */
export const STAGED_UPLOAD_BYTES = 1 << 20;
/** Staging buffers kept at most (one in use by the GPU while the next run fills another). */
const MAX_STAGING_BUFFERS = 3;

interface Staging {
  buffer: GPUBuffer;
  size: number;
  /** Mapped for writing: free to take (unmapped while the GPU copies out of it). */
  ready: boolean;
}

/**
 * WGSL kernels on GPU buffers: PAConv2D (binarize into bit-planes, XOR/popcount conv with the
 * fused epilogue) and the float ops of the zoo models, so a whole model stays on the device
 * and only `download` maps data back. Pipelines are compiled once per backend (on the first
 * `prepare` that needs them); a run's dispatches are recorded into one command encoder, submitted
 * when something must see their results (download, upload, `finish`). A lost device fails the
 * pending and later calls with a 'device-lost' error; create a new backend to continue.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly ops = [...GPU_KERNELS.keys()];
  private lost: string | undefined;
  /** The first error the device reported outside any error scope (a rejected dispatch, say). */
  private gpuError: string | undefined;
  private disposed = false;
  private readonly recorder: CommandRecorder;
  private readonly context: GpuContext;
  private readonly staging: Staging[] = [];

  private constructor(
    readonly device: GPUDevice,
    /** The adapter's description, e.g. 'SwiftShader driver' or an NVIDIA GPU. */
    readonly adapterName: string,
    private readonly pipelines: Map<string, GPUComputePipeline>,
    options: WebGpuOptions,
  ) {
    this.recorder = new CommandRecorder(
      device,
      options.timestamps === true && device.features.has('timestamp-query'),
    );
    this.context = {
      device,
      recorder: this.recorder,
      pipeline: (code) => this.pipeline(code),
      options,
      storage: (data) => this.storage(data),
      empty: device.createBuffer({ size: 16, usage: STORAGE() }),
    };
    device.lost.then((info) => {
      if (!this.disposed) this.lost = info.message || info.reason;
    });
    // a command the device rejects (an invalid bind group, a failed allocation) is skipped, and
    // what it would have written reads as zeros: remember it, so the next call fails instead
    device.addEventListener('uncapturederror', (event) => {
      this.gpuError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0];
    });
  }

  static async create(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
    const choice = options.paConvKernel;
    if (choice !== undefined && choice !== 'auto' && !PA_CONV_KERNELS.includes(choice))
      throw new BackendError(
        'options',
        `paConvKernel must be 'auto', ${PA_CONV_KERNELS.map((k) => `'${k}'`).join(', ')}, got ${String(choice)}`,
      );
    const floatChoice = options.floatConvKernel;
    if (floatChoice !== undefined && !FLOAT_CONV_KERNEL_CHOICES.includes(floatChoice))
      throw new BackendError(
        'options',
        `floatConvKernel must be ${FLOAT_CONV_KERNEL_CHOICES.map((k) => `'${k}'`).join(', ')}, got ${String(floatChoice)}`,
      );
    const { adapter, device } = await acquireDevice(options.timestamps ? ['timestamp-query'] : []);
    const info = adapter.info;
    const name =
      [info?.vendor, info?.architecture, info?.device, info?.description]
        .filter(Boolean)
        .join(' ') || 'unknown adapter';
    // every pipeline compiled once, up front: a shader the driver rejects fails here, by name
    const pipelines = new Map<string, GPUComputePipeline>();
    for (const code of SHADERS) {
      const module = device.createShaderModule({ code });
      try {
        pipelines.set(
          code,
          await device.createComputePipelineAsync({
            layout: 'auto',
            compute: { module, entryPoint: 'main' },
          }),
        );
      } catch (error) {
        const info = await module.getCompilationInfo();
        const messages = info.messages.map((m) => `line ${m.lineNum}: ${m.message}`).join('; ');
        releaseDevice(device);
        throw new BackendError(
          'shader',
          `the WebGPU driver rejected a WGSL kernel (${name}): ${messages || (error as Error).message}`,
        );
      }
    }
    return new WebGpuBackend(device, name, pipelines, options);
  }

  private pipeline(code: string): GPUComputePipeline {
    let pipeline = this.pipelines.get(code);
    if (!pipeline) {
      // a generated kernel (the tiled PAConv2D per M x N): compiled when a node first needs it
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module: this.device.createShaderModule({ code }), entryPoint: 'main' },
      });
      this.pipelines.set(code, pipeline);
    }
    return pipeline;
  }

  private check(): void {
    if (this.disposed)
      throw new BackendError('disposed', 'this webgpu backend instance was disposed');
    if (this.lost !== undefined)
      throw new BackendError(
        'device-lost',
        `the WebGPU device was lost (${this.lost}); create a new backend`,
      );
    if (this.gpuError !== undefined)
      throw new BackendError(
        'gpu-error',
        `the WebGPU device rejected a command (${this.gpuError}), so results since may be wrong; create a new backend`,
      );
  }

  supportsNode(node: KernelNode, constant: boolean[]): boolean {
    const kernel = GPU_KERNELS.get(node.op);
    return kernel !== undefined && (kernel.supports?.(node, constant) ?? true);
  }

  alloc(byteLength: number): BackendBuffer {
    this.check();
    const buffer: GpuBuffer = {
      byteLength,
      buffer: this.device.createBuffer({
        size: Math.max(16, Math.ceil(byteLength / 4) * 4),
        usage: STORAGE(),
      }),
    };
    return buffer;
  }

  free(buffer: BackendBuffer): void {
    // recorded dispatches may still use it
    this.recorder.flush();
    (buffer as GpuBuffer).buffer.destroy();
  }

  private write(target: GPUBuffer, data: ArrayBufferView): void {
    // queue writes land before the next submit: recorded work must go first
    this.recorder.flush();
    // straight from the caller's memory (writeBuffer copies once, into the queue's staging);
    // only a length off the 4-byte grid the WebGPU spec asks for goes through a padded copy
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let padded = bytes;
    if (bytes.byteLength % 4 !== 0) {
      padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
      padded.set(bytes);
    }
    this.device.queue.writeBuffer(target, 0, padded as Uint8Array<ArrayBuffer>);
  }

  upload(t: Tensor, buffer?: BackendBuffer): BackendTensor {
    this.check();
    const { target, needed } = uploadTarget<GpuBuffer>(this, t, buffer);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, needed);
    if (needed < STAGED_UPLOAD_BYTES || !this.stagedWrite(target.buffer, bytes))
      this.write(target.buffer, bytes);
    return { dtype: t.dtype, shape: [...t.shape], buffer: target };
  }

  /**
   * Copies `bytes` into a mapped staging buffer (a kept one that is ready and large enough, else
   * a new one while fewer than MAX_STAGING_BUFFERS exist), records its copy into `target` after
   * the recorded work, submits, and maps it again for the next upload once the GPU has copied
   * out of it. False when every staging buffer is still busy (the caller writes instead).
   */
  private stagedWrite(target: GPUBuffer, bytes: Uint8Array): boolean {
    const size = Math.ceil(bytes.byteLength / 4) * 4;
    let slot = this.staging.find((s) => s.ready && s.size >= size);
    if (!slot) {
      if (this.staging.length >= MAX_STAGING_BUFFERS) {
        // a ready one too small for this size makes room; none ready: the GPU still has them all
        const small = this.staging.findIndex((s) => s.ready);
        if (small < 0) return false;
        this.staging[small].buffer.destroy();
        this.staging.splice(small, 1);
      }
      slot = {
        buffer: this.device.createBuffer({
          size,
          usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC,
          mappedAtCreation: true,
        }),
        size,
        ready: true,
      };
      this.staging.push(slot);
    }
    const mapped = new Uint8Array(slot.buffer.getMappedRange(0, size));
    mapped.set(bytes);
    // the padding up to the 4-byte copy size lands in the target: zeros, as write() pads
    mapped.fill(0, bytes.byteLength);
    slot.buffer.unmap();
    slot.ready = false;
    this.recorder.copyTo(slot.buffer, target, size);
    this.recorder.flush();
    const taken = slot;
    taken.buffer.mapAsync(GPUMapMode.WRITE).then(
      () => {
        taken.ready = true;
      },
      // destroyed with the backend or its device: the slot is never taken again
      () => undefined,
    );
    return true;
  }

  async download(t: BackendTensor): Promise<Tensor> {
    this.check();
    const bytes = storageByteLength(t.dtype, t.shape);
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.recorder.copy((t.buffer as GpuBuffer).buffer, staging, size);
    this.recorder.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (error) {
      this.check();
      throw new BackendError(
        'download',
        `reading a tensor back from the GPU failed: ${(error as Error).message}`,
      );
    }
    const data = dataFromBytes(t.dtype, new Uint8Array(staging.getMappedRange(0, size), 0, bytes));
    staging.unmap();
    staging.destroy();
    // an error of the work that produced it reaches us before the read-back does
    this.check();
    return { dtype: t.dtype, shape: [...t.shape], data };
  }

  /**
   * NaN/Infinity in a float32 tensor, checked on the GPU with the run's work (finite-check.ts);
   * the returned function resolves once the flag is read back.
   */
  checkFinite(t: BackendTensor): () => Promise<boolean> {
    this.check();
    return recordFiniteCheck(
      this.device,
      this.recorder,
      this.pipeline(FINITE_CHECK_WGSL),
      (t.buffer as GpuBuffer).buffer,
      t.shape.reduce((a, b) => a * b, 1),
    );
  }

  /** Whether dispatches are timed (the `timestamps` option on an adapter with 'timestamp-query'). */
  get timestamps(): boolean {
    return this.recorder.timestamps;
  }

  /** Dispatches recorded since this backend was created: a profiler's index into readTimestamps(). */
  get dispatchCount(): number {
    return this.recorder.dispatches;
  }

  /**
   * With `timestamps`: the GPU ms of each dispatch recorded since the last call, in record order
   * (the first 2048; none without the option or the feature). Submits the recorded work.
   */
  readTimestamps(): Promise<number[]> {
    this.check();
    return this.recorder.readTimestamps();
  }

  /** Submits the recorded work and waits until the GPU has done it (benchmarks time runs with it). */
  async finish(): Promise<void> {
    this.check();
    this.recorder.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  private storage(data: ArrayBufferView): GPUBuffer {
    const buffer = this.device.createBuffer({
      size: Math.max(16, Math.ceil(data.byteLength / 4) * 4),
      usage: STORAGE(),
    });
    this.write(buffer, data);
    return buffer;
  }

  prepare(node: KernelNode, constants: (Tensor | undefined)[]): GpuKernel {
    this.check();
    const kernel = GPU_KERNELS.get(node.op);
    if (!kernel)
      throw new BackendError(
        'unsupported-node',
        `the webgpu backend has no kernel for op '${node.op}' (node '${node.name}')`,
      );
    if (!this.supportsNode(node, constants.map(Boolean)))
      throw new BackendError(
        'unsupported-node',
        `the webgpu backend cannot run node '${node.name}' (${node.op})${kernel.needs ? `: it needs ${kernel.needs}` : ''}`,
      );
    return kernel.prepare(this.context, node, constants);
  }

  run(prepared: unknown, inputs: (BackendTensor | undefined)[], outputs: BackendTensor[]): void {
    this.check();
    (prepared as GpuKernel).run(inputs, outputs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // destroying the device frees every buffer and pipeline of this backend
    releaseDevice(this.device);
  }
}
