// Records the compute work of a whole run into one command encoder: kernels append dispatches
// (and buffer copies) and nothing reaches the GPU until `flush`, which the backend calls before
// anything that must see the results (download, upload into a buffer, a parameter change).

const WORKGROUP = 64;
const MAX_GROUPS = 65535;

/** Workgroups for `threads` invocations, folded into 2-D past the 65535 limit; `threadsX` is the row width the shaders use. */
export function grid(threads: number): { x: number; y: number; threadsX: number } {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS);
  return { x, y: Math.ceil(groups / x), threadsX: x * WORKGROUP };
}

/** Workgroups for `tiles` x `z` tiles: tiles folded into x and y past the 65535 limit (the shader unfolds with x). */
export function grid3(tiles: number, z: number): { x: number; y: number; z: number } {
  const x = Math.min(Math.max(1, tiles), MAX_GROUPS);
  return { x, y: Math.ceil(tiles / x), z };
}

/** Dispatches timed between two reads of the timestamps at most (the rest run untimed). */
export const TIMED_DISPATCHES = 2048;

export class CommandRecorder {
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  /** Counts flushes: a KernelCall compares it to know whether its last dispatch is still unsent. */
  generation = 0;
  /** Dispatches recorded since the backend was created (profilers slice the timestamps by it). */
  dispatches = 0;
  /** Timestamp queries: 2 per timed dispatch (begin, end), `timed` dispatches so far. */
  private readonly queries: GPUQuerySet | undefined;
  timed = 0;

  constructor(
    private readonly device: GPUDevice,
    timestamps = false,
  ) {
    if (timestamps)
      this.queries = device.createQuerySet({ type: 'timestamp', count: 2 * TIMED_DISPATCHES });
  }

  get timestamps(): boolean {
    return this.queries !== undefined;
  }

  private computePass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    if (this.queries && this.timed < TIMED_DISPATCHES) {
      // one pass per dispatch: its begin and end timestamps time that dispatch alone
      this.pass?.end();
      this.pass = this.encoder.beginComputePass({
        timestampWrites: {
          querySet: this.queries,
          beginningOfPassWriteIndex: 2 * this.timed,
          endOfPassWriteIndex: 2 * this.timed + 1,
        },
      });
      this.timed++;
      return this.pass;
    }
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  /**
   * GPU ms of each dispatch timed since the last call, in record order, and a fresh start.
   * Resolves the queries after everything recorded so far.
   */
  async readTimestamps(): Promise<number[]> {
    if (!this.queries || this.timed === 0) return [];
    const count = 2 * this.timed;
    const resolved = this.device.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const readback = this.device.createBuffer({
      size: count * 8,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.pass?.end();
    this.pass = undefined;
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.resolveQuerySet(this.queries, 0, count, resolved, 0);
    this.encoder.copyBufferToBuffer(resolved, 0, readback, 0, count * 8);
    this.flush();
    this.timed = 0;
    try {
      await readback.mapAsync(GPUMapMode.READ);
      const ns = new BigInt64Array(readback.getMappedRange());
      return Array.from({ length: count / 2 }, (_, i) => Number(ns[2 * i + 1] - ns[2 * i]) / 1e6);
    } finally {
      readback.destroy();
      resolved.destroy();
    }
  }

  dispatch(pipeline: GPUComputePipeline, group: GPUBindGroup, x: number, y: number, z = 1): void {
    this.dispatches++;
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
  }

  copy(from: GPUBuffer, to: GPUBuffer, bytes: number): void {
    this.copyTo(from, to, Math.ceil(bytes / 4) * 4);
  }

  /** A buffer copy recorded between compute passes (`bytes` a multiple of 4). */
  copyTo(from: GPUBuffer, to: GPUBuffer, bytes: number): void {
    this.pass?.end();
    this.pass = undefined;
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(from, 0, to, 0, bytes);
  }

  /** Submits what was recorded (a no-op when nothing was). */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.pass = undefined;
    this.generation++;
  }
}

/**
 * One dispatch site of a prepared node: its pipeline, its own uniform block, and the bind group
 * of the buffers it last ran on. In steady state (same shapes, same buffers: the runtime reuses
 * both) a run writes nothing and creates nothing; it only records the dispatch.
 */
export class KernelCall {
  private readonly uniform: GPUBuffer;
  private params: Uint32Array | undefined;
  private buffers: GPUBuffer[] = [];
  private group: GPUBindGroup | undefined;
  private recordedIn = -1;

  constructor(
    private readonly device: GPUDevice,
    private readonly recorder: CommandRecorder,
    private readonly pipeline: GPUComputePipeline,
  ) {
    this.uniform = device.createBuffer({
      size: 256,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /**
   * Records the kernel over `threads` invocations. `params` follow the shader's Params struct
   * after its first field (threadsX, filled in here); `buffers` bind from binding 1 on.
   */
  record(threads: number, params: ArrayLike<number>, buffers: GPUBuffer[]): void {
    const { x, y, threadsX } = grid(threads);
    const block = new Uint32Array(params.length + 1);
    block[0] = threadsX;
    block.set(params, 1);
    this.recordBlock(block, buffers, x, y, 1);
  }

  /** Records the kernel over explicit workgroup counts; `params` are its whole Params block. */
  recordGroups(
    groups: { x: number; y: number; z: number },
    params: ArrayLike<number>,
    buffers: GPUBuffer[],
  ): void {
    this.recordBlock(Uint32Array.from(params), buffers, groups.x, groups.y, groups.z);
  }

  private recordBlock(
    block: Uint32Array<ArrayBuffer>,
    buffers: GPUBuffer[],
    x: number,
    y: number,
    z: number,
  ): void {
    if (!this.params || !sameWords(block, this.params)) {
      // a dispatch of this call still unsent must run with the old block
      if (this.recordedIn === this.recorder.generation) this.recorder.flush();
      this.device.queue.writeBuffer(this.uniform, 0, block);
      this.params = block;
    }
    if (
      !this.group ||
      buffers.length !== this.buffers.length ||
      buffers.some((b, i) => b !== this.buffers[i])
    ) {
      this.group = this.device.createBindGroup({
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [this.uniform, ...buffers].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      });
      this.buffers = buffers;
    }
    this.recorder.dispatch(this.pipeline, this.group, x, y, z);
    this.recordedIn = this.recorder.generation;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A float as the u32 of its bits, for Params blocks (shaders bitcast it back). */
export function f32Bits(v: number): number {
  return new Uint32Array(Float32Array.of(v).buffer)[0];
}
