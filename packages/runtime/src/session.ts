import {
  type Backend,
  type BackendBuffer,
  BackendError,
  type BackendOptions,
  type BackendTensor,
} from '@pabnn/backend';
import {
  type Graph,
  type Limits,
  load,
  resolveLimits,
  storageByteLength,
  type Tensor,
  type TensorInfo,
  type ValidatedGraph,
  type ValueInfo,
  validateGraph,
  validateValues,
} from '@pabnn/ir';
import { SessionError } from './errors.js';
import { checkFeeds, nonFiniteError } from './feeds.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { type MemoryPlan, planMemory } from './memory-plan.js';
import { LruCache } from './plan-cache.js';
import { checkPlanLimits } from './plan-limits.js';
import { fallbackBackend, selectBackend } from './select-backends.js';

export interface SessionOptions {
  /** Backend name, or names in order of preference. Default: every registered one by priority. */
  backend?: string | string[];
  backendOptions?: BackendOptions;
  /** If a backend is unsupported or fails to start, warn and try the next. Default true. */
  fallback?: boolean;
  /** Where warnings go. Default console.warn. */
  onWarning?: (message: string) => void;
  /**
   * Accept NaN and Infinity in float inputs. Default false: they are an error ('non-finite').
   * An input whose consumer runs on a backend with `checkFinite` (webgpu) is checked there,
   * with the run's work, and the run fails after it; other inputs are scanned on the host first.
   */
  allowNonFinite?: boolean;
  /**
   * Overrides of DEFAULT_LIMITS (@pabnn/ir): the model file's bytes, tensor elements and
   * metadata depth at load, and per input shape the plan's activation bytes and each value's
   * elements, checked before its buffers are allocated.
   */
  limits?: Partial<Limits>;
  /**
   * Plans (buffers for one set of input shapes) kept for reuse, least recently used evicted
   * and freed first. Default 8.
   */
  maxCachedPlans?: number;
  /**
   * Fold each BatchNorm that only rescales a PAConv2D's output into the conv's scale and bias
   * (one node instead of two; the same result up to float rounding). Default true; the
   * profile then lists the conv under its own name and the BatchNorm not at all.
   */
  foldBatchNorm?: boolean;
}

/** Options of one `Session#run`. */
export interface RunOptions {
  /** The graph outputs to read back (default all): the others are computed but stay on the backend. */
  outputs?: readonly string[];
}

/** Default of SessionOptions.maxCachedPlans. */
export const DEFAULT_MAX_CACHED_PLANS = 8;

export interface NodeProfile {
  node: string;
  op: string;
  backend: string;
  ms: number;
}

export interface Fallback {
  node: string;
  op: string;
  from: string;
  to: string;
}

export interface SessionProfile {
  /** The backend the session chose. */
  backend: string;
  /** Per node, last run. */
  nodes: NodeProfile[];
  /** Every node that runs on js because the chosen backend lacks its op. */
  fallbacks: Fallback[];
  /** Activation memory of the last run's plan (buffers reused), and without reuse. */
  peakActivationBytes: number;
  unplannedActivationBytes: number;
  runs: number;
  lastRunMs: number;
  /** Plans held for reuse (at most maxCachedPlans). */
  cachedPlans: number;
}

interface Step {
  node: ValidatedGraph['order'][number];
  backend: Backend;
  prepared: unknown;
  /** Where each input and output is looked up, `backend/value`, built once, not per run. */
  inputKeys: string[];
  outputKeys: string[];
}

interface RunPlan {
  infos: Map<string, TensorInfo>;
  memory: MemoryPlan;
  buffers: BackendBuffer[];
  /** Each step's output tensors in the plan's buffers, built on the plan's first run. */
  outputs?: BackendTensor[][];
}

/**
 * Runs a model: `Session.create(bytesOrGraph, options)` loads and validates it, picks the
 * backend, uploads constants and prepares every node once; `run` checks the feeds, plans
 * buffer reuse for the input shapes (cached), runs, and downloads the outputs. Concurrent
 * `run` calls are queued, so each sees a consistent session.
 */
export class Session {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly string[];
  private readonly graph: Graph;
  private readonly steps: Step[];
  private readonly backends: Backend[];
  private readonly constants = new Map<string, BackendTensor>(); // key: backend + '/' + value
  /** Where each graph input is uploaded, kept across runs (a batch-32 image is 19 MB). */
  private readonly inputBuffers = new Map<string, [Backend, BackendBuffer]>(); // same keys
  private readonly fallbacks: Fallback[];
  /** Float inputs checked for NaN/Infinity on a consumer's backend (its checkFinite), not the host. */
  private readonly deviceChecks = new Map<string, Backend>();
  private readonly plans: LruCache<RunPlan>;
  private readonly options: SessionOptions;
  private readonly limits: Limits;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private lastProfile: { nodes: NodeProfile[]; ms: number; plan?: MemoryPlan } = {
    nodes: [],
    ms: 0,
  };
  private runs = 0;

  private constructor(
    graph: Graph,
    steps: Step[],
    backends: Backend[],
    fallbacks: Fallback[],
    options: SessionOptions,
  ) {
    this.graph = graph;
    this.inputs = graph.inputs;
    this.outputs = graph.outputs;
    this.steps = steps;
    this.backends = backends;
    this.fallbacks = fallbacks;
    this.options = options;
    this.limits = resolveLimits(options.limits);
    this.plans = new LruCache(options.maxCachedPlans ?? DEFAULT_MAX_CACHED_PLANS, (plan) =>
      this.freePlan(plan),
    );
  }

  static async create(
    model: Uint8Array | ArrayBuffer | Graph,
    options: SessionOptions = {},
  ): Promise<Session> {
    resolveLimits(options.limits); // an invalid override fails before anything starts
    const cached = options.maxCachedPlans;
    if (cached !== undefined && !(Number.isSafeInteger(cached) && cached >= 1)) {
      throw new SessionError('options', `maxCachedPlans must be an integer >= 1, got ${cached}`);
    }
    const bytes = model instanceof Uint8Array || model instanceof ArrayBuffer;
    const given = bytes ? load(model, { limits: options.limits }) : model;
    const checked = validateGraph(given);
    if (!bytes) validateValues(given, checked); // load() checked a file's values already
    // a BatchNorm right after a PAConv2D becomes the conv's scale and bias (fold-batch-norm.ts)
    const graph = options.foldBatchNorm === false ? given : foldBatchNorm(given);
    const validated = graph === given ? checked : validateGraph(graph);
    const warn = options.onWarning ?? ((m: string) => console.warn(`[pabnn] ${m}`));
    const primary = await selectBackend({ ...options, fallback: options.fallback ?? true, warn });
    const kernelNodeOf = (vn: (typeof validated.order)[number]) => ({
      name: vn.node.name,
      op: vn.node.op,
      attrs: vn.attrs,
      inputs: vn.node.inputs.map((name) => (name === '' ? undefined : validated.values.get(name))),
      outputs: vn.node.outputs.map((name) => validated.values.get(name)!),
    });
    // a node runs on the chosen backend if it declares the op and does not decline the node
    const onPrimary = (vn: (typeof validated.order)[number]) =>
      primary.ops.includes(vn.node.op) &&
      (primary.supportsNode?.(
        kernelNodeOf(vn),
        vn.node.inputs.map((name) => graph.constants.has(name)),
      ) ??
        true);
    const missing = [
      ...new Set(validated.order.filter((vn) => !onPrimary(vn)).map((vn) => vn.node.op)),
    ];
    const js = missing.length
      ? await fallbackBackend(primary, missing, options.backendOptions)
      : primary;
    const unsupported = js === primary ? missing : missing.filter((op) => !js.ops.includes(op));
    if (unsupported.length) {
      const nodes = validated.order
        .filter((n) => unsupported.includes(n.node.op))
        .map((n) => n.node.name);
      throw new SessionError(
        'unsupported-op',
        `no registered backend implements ${unsupported.join(', ')} (nodes: ${nodes.join(', ')})`,
      );
    }
    const backends = js === primary ? [primary] : [primary, js];
    const fallbacks: Fallback[] = [];
    const steps: Step[] = [];
    const session = new Session(graph, steps, backends, fallbacks, { ...options, onWarning: warn });
    for (const vn of validated.order) {
      const backend = onPrimary(vn) ? primary : js;
      if (backend !== primary)
        fallbacks.push({ node: vn.node.name, op: vn.node.op, from: primary.name, to: js.name });
      const constants = vn.node.inputs.map((name) => graph.constants.get(name));
      const kernelNode = kernelNodeOf(vn);
      let prepared: unknown;
      try {
        prepared = backend.prepare(kernelNode, constants);
      } catch (error) {
        throw new SessionError(
          'prepare',
          `backend '${backend.name}' could not prepare node '${vn.node.name}' (${vn.node.op}): ${(error as Error).message}`,
        );
      }
      for (const [i, name] of vn.node.inputs.entries()) {
        const t = constants[i];
        const key = `${backend.name}/${name}`;
        if (t && !session.constants.has(key)) session.constants.set(key, backend.upload(t));
      }
      const keyOf = (name: string) => `${backend.name}/${name}`;
      steps.push({
        node: vn,
        backend,
        prepared,
        inputKeys: vn.node.inputs.map(keyOf),
        outputKeys: vn.node.outputs.map(keyOf),
      });
    }
    for (const input of graph.inputs) {
      const checker = steps.find(
        (s) => s.backend.checkFinite && s.node.node.inputs.includes(input.name),
      )?.backend;
      if (input.dtype === 'float32' && checker) session.deviceChecks.set(input.name, checker);
    }
    return session;
  }

  /** Runs the model on named inputs; resolves to the named outputs (host tensors). */
  run(feeds: Record<string, Tensor>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    const result = this.queue.then(() => this.execute(feeds, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private planFor(feeds: Record<string, Tensor>): RunPlan {
    const key = this.inputs.map((i) => feeds[i.name].shape.join('x')).join('|');
    let plan = this.plans.get(key);
    if (plan) return plan;
    // shape inference again with the concrete input shapes (batch and other -1 dims)
    const concrete: Graph = {
      ...this.graph,
      inputs: this.inputs.map((i) => ({ ...i, shape: feeds[i.name].shape })),
    };
    const infos = validateGraph(concrete).values;
    const memory = planMemory(
      this.steps.map((s) => ({
        backend: s.backend.name,
        inputs: s.node.node.inputs.filter((n) => n !== ''),
        outputs: s.node.node.outputs,
      })),
      infos,
      new Set(this.outputs),
    );
    checkPlanLimits(infos, memory, this.limits, key);
    const byName = new Map(this.backends.map((b) => [b.name, b]));
    const buffers = memory.slots.map((slot) => byName.get(slot.backend)!.alloc(slot.byteLength));
    plan = { infos, memory, buffers };
    this.plans.set(key, plan);
    return plan;
  }

  private async execute(
    feeds: Record<string, Tensor>,
    options: RunOptions,
  ): Promise<Record<string, Tensor>> {
    if (this.disposed) throw new SessionError('disposed', 'this session was disposed');
    const wanted = options.outputs ?? this.outputs;
    const unknown = Array.isArray(wanted)
      ? wanted.filter((name) => !this.outputs.includes(name))
      : [String(wanted)];
    if (unknown.length)
      throw new SessionError(
        'options',
        `run() outputs must list graph outputs (${this.outputs.join(', ')}), got ${unknown.join(', ')}`,
      );
    const allowNonFinite = this.options.allowNonFinite ?? false;
    checkFeeds(this.inputs, feeds, allowNonFinite, new Set(this.deviceChecks.keys()));
    const checks: [string, () => Promise<boolean>][] = [];
    const plan = this.planFor(feeds);
    const started = performance.now();
    // where each runtime value lives: graph inputs are uploaded per backend on demand
    const located = new Map<string, BackendTensor>(); // key: backend + '/' + value
    const temporaries: [Backend, BackendTensor][] = [];
    const producedOn = new Map<string, Backend>();
    const locate = async (name: string, backend: Backend): Promise<BackendTensor | undefined> => {
      if (name === '') return undefined;
      const key = `${backend.name}/${name}`;
      const found = this.constants.get(key) ?? located.get(key);
      if (found) return found;
      let t: BackendTensor;
      if (feeds[name]) {
        // graph inputs reuse their buffer of the last run when it is large enough
        const kept = this.inputBuffers.get(key)?.[1];
        const fits =
          kept && kept.byteLength >= storageByteLength(feeds[name].dtype, feeds[name].shape);
        if (kept && !fits) backend.free(kept);
        t = backend.upload(feeds[name], fits ? kept : undefined);
        this.inputBuffers.set(key, [backend, t.buffer]);
        if (!allowNonFinite && this.deviceChecks.get(name) === backend)
          checks.push([name, backend.checkFinite!(t)]);
      } else {
        // a value another backend produced: through the host, in a buffer freed after the run
        const owner = producedOn.get(name)!;
        t = backend.upload(await owner.download(located.get(`${owner.name}/${name}`)!));
        temporaries.push([backend, t]);
      }
      located.set(key, t);
      return t;
    };
    const nodes: NodeProfile[] = [];
    // the output tensors of every step depend on the plan only
    plan.outputs ??= this.steps.map((step) =>
      step.node.node.outputs.map((name) => {
        const info = plan.infos.get(name)!;
        return {
          dtype: info.dtype,
          shape: info.shape,
          buffer: plan.buffers[plan.memory.slotOf.get(name)!],
        };
      }),
    );
    for (const [index, step] of this.steps.entries()) {
      const { node } = step.node;
      // a value already on the step's backend (a constant or an earlier node's output: every
      // input of a model that runs on one backend) is taken without an await: each await is a
      // trip through the microtask queue, which on ResNet-8's ~30 small nodes cost more than
      // some of the kernels
      const inputs: (BackendTensor | undefined)[] = [];
      for (const [i, name] of node.inputs.entries()) {
        const key = step.inputKeys[i];
        const found = name === '' ? undefined : (this.constants.get(key) ?? located.get(key));
        inputs.push(found ?? (await locate(name, step.backend)));
      }
      const outputs = plan.outputs[index];
      for (const [i, name] of node.outputs.entries()) {
        located.set(step.outputKeys[i], outputs[i]);
        producedOn.set(name, step.backend);
      }
      const t0 = performance.now();
      try {
        // Backend#run returns void or a promise: only a promise (any thenable) is awaited
        const ran = step.backend.run(step.prepared, inputs, outputs) as unknown;
        if (typeof (ran as PromiseLike<void> | undefined)?.then === 'function') await ran;
      } catch (error) {
        const reason =
          error instanceof BackendError
            ? error.message
            : String((error as Error)?.message ?? error);
        throw new SessionError(
          'kernel',
          `node '${node.name}' (${node.op}) failed on backend '${step.backend.name}': ${reason}`,
        );
      }
      nodes.push({
        node: node.name,
        op: node.op,
        backend: step.backend.name,
        ms: performance.now() - t0,
      });
    }
    // the outputs asked for and the device checks' flags, read back together
    const downloads = wanted.map((name) => {
      const owner = producedOn.get(name);
      return owner
        ? owner.download(located.get(`${owner.name}/${name}`)!)
        : structuredClone(feeds[name] ?? (this.graph.constants.get(name) as Tensor));
    });
    const flags = checks.map(([, read]) => read());
    const [tensors, nonFinite] = await Promise.all([Promise.all(downloads), Promise.all(flags)]);
    for (const [backend, t] of temporaries) backend.free(t.buffer);
    const bad = checks.find((_, i) => nonFinite[i]);
    if (bad) throw nonFiniteError(bad[0], feeds[bad[0]]);
    const results: Record<string, Tensor> = {};
    wanted.forEach((name, i) => {
      results[name] = tensors[i];
    });
    this.runs++;
    this.lastProfile = { nodes, ms: performance.now() - started, plan: plan.memory };
    return results;
  }

  profile(): SessionProfile {
    return {
      backend: this.backends[0].name,
      nodes: this.lastProfile.nodes,
      fallbacks: [...this.fallbacks],
      peakActivationBytes: this.lastProfile.plan?.peakBytes ?? 0,
      unplannedActivationBytes: this.lastProfile.plan?.unplannedBytes ?? 0,
      runs: this.runs,
      lastRunMs: this.lastProfile.ms,
      cachedPlans: this.plans.size,
    };
  }

  private freePlan(plan: RunPlan): void {
    plan.memory.slots.forEach((slot, i) =>
      this.backends.find((b) => b.name === slot.backend)?.free(plan.buffers[i]),
    );
  }

  /** Frees every buffer and the backends this session created. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [key, t] of this.constants)
      this.backends.find((b) => key.startsWith(`${b.name}/`))?.free(t.buffer);
    for (const [backend, buffer] of this.inputBuffers.values()) backend.free(buffer);
    for (const plan of this.plans.values()) this.freePlan(plan);
    for (const b of this.backends) b.dispose();
  }
}
