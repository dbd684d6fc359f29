// Where a whole-model run's time goes on the webgpu backend. Session#profile times each node's
// Backend#run, which on webgpu only records a dispatch (the GPU runs the whole encoder at the
// end), so it says nothing about GPU time. Here the session runs on a registered wrapper of the
// webgpu backend that, when asked, submits and waits for the queue after every node: each
// node's GPU time is then the wait (plus one submit-and-wait latency, measured on its own as
// `waitMs`), and upload, the queued input write with its NaN/Infinity check, and read-back are
// timed on the host where the runtime calls them.
import {
  BACKEND_API_VERSION,
  type Backend,
  type BackendBuffer,
  type BackendTensor,
  type KernelNode,
  registerBackend,
} from '@pabnn/backend';
import { WebGpuBackend } from '@pabnn/backend-webgpu';
import { type Graph, type Tensor, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

export interface NodeTime {
  node: string;
  op: string;
  /** Recording the dispatch(es) on the host (what Session#profile measures on webgpu). */
  hostMs: number;
  /** Submit and wait for the queue right after the node (median over the profiled runs). */
  gpuMs: number;
  /**
   * Where the adapter has timestamp queries: each of the node's dispatches timed on the GPU in
   * the runs without waits (median; PAConv2D: binarize, then the conv).
   */
  dispatchMs?: number[];
}

export interface ModelProfile {
  model: string;
  M: number;
  N: number;
  batch: number;
  /** Profiled runs (medians over them) and the input's bytes. */
  runs: number;
  inputBytes: number;
  /** Submitting an empty command buffer and waiting for it: the overhead inside every gpuMs. */
  waitMs: number;
  /** Host time of Backend#upload: the input copied into staging memory, and its copy submitted. */
  uploadHostMs: number;
  /** The queued input write and the NaN/Infinity check dispatch, waited for before the first node. */
  inputQueueMs: number;
  /** Backend#download of the logits (copy, submit, map) and reading the NaN/Infinity flag back. */
  readbackMs: number;
  finiteReadMs: number;
  /** Whole profiled run (every wait included). */
  profiledRunMs: number;
  /** The same session without waits (median end to end), split into what the host does before it waits. */
  runMs: number;
  runUploadHostMs: number;
  runRecordHostMs: number;
  /** From the last node recorded to the logits on the host: the GPU finishing the run, and the read-back. */
  runDrainMs: number;
  /** Whether dispatches were timed (then each ran in its own compute pass, in every run here). */
  timestamps: boolean;
  /** The NaN/Infinity check's dispatch, timed (with timestamps). */
  finiteCheckMs?: number;
  nodes: NodeTime[];
}

interface Sample {
  uploadHostMs: number;
  inputQueueMs: number;
  readbackMs: number;
  finiteReadMs: number;
  recordHostMs: number;
  /** performance.now() when the last node was recorded, and when the run ended. */
  lastRecorded: number;
  /** The backend's dispatch count when the run began, and the finite check's dispatches. */
  firstDispatch: number;
  finiteDispatches: [number, number][];
  nodes: {
    node: string;
    op: string;
    hostMs: number;
    gpuMs: number;
    /** Its dispatches: [first, end) in the backend's count. */
    dispatches: [number, number];
  }[];
  /** GPU ms per dispatch of the run, from firstDispatch on (timestamps; else empty). */
  timestamps: number[];
}

const freshSample = (): Sample => ({
  uploadHostMs: 0,
  inputQueueMs: 0,
  readbackMs: 0,
  finiteReadMs: 0,
  recordHostMs: 0,
  lastRecorded: 0,
  firstDispatch: 0,
  finiteDispatches: [],
  nodes: [],
  timestamps: [],
});

interface Prepared {
  node: string;
  op: string;
  inner: unknown;
}

/** The webgpu backend, each call timed; with `wait` set, the queue is drained after every node. */
class TimedWebGpu implements Backend {
  readonly name = 'webgpu-timed';
  readonly ops: readonly string[];
  wait = false;
  sample = freshSample();
  private inputQueued = false;

  constructor(readonly inner: WebGpuBackend) {
    this.ops = inner.ops;
  }

  supportsNode(node: KernelNode, constant: boolean[]): boolean {
    return this.inner.supportsNode(node, constant);
  }
  alloc(byteLength: number): BackendBuffer {
    return this.inner.alloc(byteLength);
  }
  free(buffer: BackendBuffer): void {
    this.inner.free(buffer);
  }
  upload(t: Tensor, buffer?: BackendBuffer): BackendTensor {
    const t0 = performance.now();
    const uploaded = this.inner.upload(t, buffer);
    this.sample.uploadHostMs += performance.now() - t0;
    this.inputQueued = true;
    return uploaded;
  }
  checkFinite(t: BackendTensor): () => Promise<boolean> {
    const from = this.inner.dispatchCount;
    const read = this.inner.checkFinite(t);
    this.sample.finiteDispatches.push([from, this.inner.dispatchCount]);
    return async () => {
      const t0 = performance.now();
      const bad = await read();
      this.sample.finiteReadMs += performance.now() - t0;
      return bad;
    };
  }
  prepare(node: KernelNode, constants: (Tensor | undefined)[]): Prepared {
    return { node: node.name, op: node.op, inner: this.inner.prepare(node, constants) };
  }
  async run(
    prepared: unknown,
    inputs: (BackendTensor | undefined)[],
    outputs: BackendTensor[],
  ): Promise<void> {
    const p = prepared as Prepared;
    if (this.wait && this.inputQueued) {
      const t0 = performance.now();
      await this.inner.finish();
      this.sample.inputQueueMs += performance.now() - t0;
    }
    this.inputQueued = false;
    const d0 = this.inner.dispatchCount;
    const t0 = performance.now();
    this.inner.run(p.inner, inputs, outputs);
    const t1 = performance.now();
    const dispatches: [number, number] = [d0, this.inner.dispatchCount];
    this.sample.recordHostMs += t1 - t0;
    this.sample.lastRecorded = t1;
    let gpuMs = Number.NaN;
    if (this.wait) {
      await this.inner.finish();
      gpuMs = performance.now() - t1;
    }
    this.sample.nodes.push({ node: p.node, op: p.op, hostMs: t1 - t0, gpuMs, dispatches });
  }
  async download(t: BackendTensor): Promise<Tensor> {
    const t0 = performance.now();
    const out = await this.inner.download(t);
    this.sample.readbackMs += performance.now() - t0;
    return out;
  }
  dispose(): void {
    this.inner.dispose();
  }
}

let registered = false;
let last: TimedWebGpu | undefined;

function registerTimed(): void {
  if (registered) return;
  registered = true;
  registerBackend({
    name: 'webgpu-timed',
    apiVersion: BACKEND_API_VERSION,
    priority: -1, // never picked unless named
    isSupported: () => true,
    create: async (options) => {
      last = new TimedWebGpu(
        await WebGpuBackend.create({
          ...((options ?? {}) as Parameters<typeof WebGpuBackend.create>[0]),
          timestamps: true,
        }),
      );
      return last;
    },
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Profiles `graph` at one input: `runs` runs with a queue wait after every node (after one
 * run that compiles and warms up), then `runs` runs without waits; medians of each part.
 */
export async function profileModel(
  graph: Graph,
  label: { model: string; M: number; N: number },
  input: Float32Array,
  shape: number[],
  runs: number,
): Promise<ModelProfile> {
  registerTimed();
  const session = await Session.create(graph, { backend: 'webgpu-timed', fallback: false });
  const backend = last!;
  try {
    const feeds = { [graph.inputs[0].name]: tensor('float32', shape, input) };
    const outputs = [graph.outputs[0]];
    interface Timed {
      ms: number;
      sample: Sample;
      drainMs: number;
    }
    const run = async (wait: boolean): Promise<Timed> => {
      backend.wait = wait;
      await backend.inner.readTimestamps(); // a fresh start: the dispatches of this run only
      backend.sample = freshSample();
      backend.sample.firstDispatch = backend.inner.dispatchCount;
      const t0 = performance.now();
      await session.run(feeds, { outputs });
      const ms = performance.now() - t0;
      backend.sample.timestamps = await backend.inner.readTimestamps();
      return {
        ms,
        sample: backend.sample,
        drainMs: performance.now() - backend.sample.lastRecorded,
      };
    };
    await run(false);
    await run(true);
    const waits: number[] = [];
    const { device } = backend.inner;
    for (let i = 0; i < 5; i++) {
      await backend.inner.finish();
      // an empty command buffer still makes the round trip to the GPU's queue and back
      const t0 = performance.now();
      device.queue.submit([device.createCommandEncoder().finish()]);
      await backend.inner.finish();
      waits.push(performance.now() - t0);
    }
    const timed: Timed[] = [];
    for (let i = 0; i < runs; i++) timed.push(await run(true));
    const plain: Timed[] = [];
    for (let i = 0; i < runs; i++) plain.push(await run(false));
    const mid = plain.sort((a, b) => a.ms - b.ms)[Math.floor(plain.length / 2)];
    const part = (
      key: 'uploadHostMs' | 'inputQueueMs' | 'readbackMs' | 'finiteReadMs' | 'recordHostMs',
    ) => median(timed.map((t) => t.sample[key]));
    // GPU ms of dispatches [from, to) of a run without waits, by timestamps
    const stamped = (t: Timed, [from, to]: [number, number]) =>
      t.sample.timestamps.slice(from - t.sample.firstDispatch, to - t.sample.firstDispatch);
    const timestamps = backend.inner.timestamps && plain.every((t) => t.sample.timestamps.length);
    return {
      ...label,
      batch: shape[0],
      runs,
      inputBytes: input.byteLength,
      waitMs: median(waits),
      uploadHostMs: part('uploadHostMs'),
      inputQueueMs: part('inputQueueMs'),
      readbackMs: part('readbackMs'),
      finiteReadMs: part('finiteReadMs'),
      profiledRunMs: median(timed.map((t) => t.ms)),
      runMs: mid.ms,
      runUploadHostMs: mid.sample.uploadHostMs,
      runRecordHostMs: mid.sample.recordHostMs,
      runDrainMs: mid.drainMs,
      timestamps,
      finiteCheckMs: timestamps
        ? median(
            plain.map((t) =>
              t.sample.finiteDispatches.reduce(
                (a, range) => a + stamped(t, range).reduce((b, ms) => b + ms, 0),
                0,
              ),
            ),
          )
        : undefined,
      nodes: timed[0].sample.nodes.map((n, i) => ({
        node: n.node,
        op: n.op,
        hostMs: median(timed.map((t) => t.sample.nodes[i].hostMs)),
        gpuMs: median(timed.map((t) => t.sample.nodes[i].gpuMs)),
        dispatchMs: timestamps
          ? stamped(plain[0], plain[0].sample.nodes[i].dispatches).map((_, d) =>
              median(plain.map((t) => stamped(t, t.sample.nodes[i].dispatches)[d])),
            )
          : undefined,
      })),
    };
  } finally {
    session.dispose();
  }
}
