import {
  type Graph,
  type Node,
  permute,
  resolveWindow,
  seededRandom,
  type Tensor,
} from '@pabnn/ir';
import {
  calibrateActivations,
  createQuantizer,
  type QuantizerConfig,
  type Staircase,
} from '@pabnn/quantizer';
import { createModel, type ResolvedOptions, type ZooOptions } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { batchNormInfer, batchNormTrain } from '../ops/batch-norm.js';
import { conv2d } from '../ops/conv2d.js';
import type { ConvWindow } from '../ops/window.js';
import { createActivationQuantizer } from '../quant/activation-quantizers.js';
import { fakeQuantWeights, LatentWeightQuantizer } from '../quant/weight-fake-quant.js';
import { readBack } from '../read-back.js';
import type { BatchNormParams, ConvParams, DenseParams } from './layers.js';

/** Zoo options for a trainable model; weights come from `load` or a seeded He init. */
export type TrainableModelOptions = Omit<ZooOptions, 'weights'> & {
  /**
   * What the activation staircases are first fitted to: 'relu' (default: the positive part of
   * the conv input; the float network had a ReLU there, which the binarized zoo graphs drop, so
   * a ReLU-shaped staircase starts at the float model's function) or 'identity' (the input as
   * it is: PA 4x5 from a float Fashion-MNIST ResNet-8 then starts at 18 % instead of 77 %).
   */
  calibration?: 'identity' | 'relu';
  /**
   * Refit PA weight thresholds every this many steps (default 1: every step); in between the
   * levels still follow the weights (LatentWeightQuantizer). Evaluation and export refit.
   */
  weightRefitEvery?: number;
};

// The IR stores conv filters OHWI and dense weights [out, in]; TF.js wants HWIO filters and
// [in, out] matrices. Depthwise: TF.js [kh, kw, C, 1], the IR [C, kh, kw, 1] (a permutation too:
// the channel axis moves from third to first).
const OHWI_TO_HWIO = [1, 2, 3, 0];
const HWIO_TO_OHWI = [3, 0, 1, 2];
const DW_IR_TO_TF = [1, 2, 0, 3];
const DW_TF_TO_IR = [2, 0, 1, 3];

/** Running statistics follow PyTorch: new = (1 - momentum) * old + momentum * batch. */
const BN_MOMENTUM = 0.1;

/**
 * A zoo architecture as a TF.js model. It interprets the very graph the zoo builds for the
 * scheme (float convs as convs, PAConv2D as fake-quantized convs with a trainable activation
 * staircase at their input), so training and the exported `.pabnn` have the same structure
 * and the same layer names; `toGraph()` hands the trained tensors back to the zoo.
 */
export class TrainableModel {
  readonly graph: Graph;
  readonly options: ResolvedOptions;
  /** What the activation staircases were first fitted to (TrainableModelOptions). */
  readonly calibration: 'identity' | 'relu';
  private readonly weightRefitEvery: number;
  private readonly convs = new Map<string, ConvParams>();
  private readonly norms = new Map<string, BatchNormParams>();
  private readonly denses = new Map<string, DenseParams>();
  /** Zoo tensor name of each variable (TF.js variable names must be unique per process). */
  private readonly names = new Map<tf.Variable, string>();
  /** Weight of the batch in the running BN statistics of a training-mode forward (BN_MOMENTUM). */
  private runningMomentum = BN_MOMENTUM;
  /** Q(w) of each binarized layer for the current step (prepare). */
  private readonly quantized = new Map<string, tf.Tensor>();

  constructor(
    readonly modelName: string,
    { calibration = 'relu', weightRefitEvery = 1, ...zooOptions }: TrainableModelOptions = {},
  ) {
    if (!(Number.isInteger(weightRefitEvery) && weightRefitEvery >= 1)) {
      throw new TrainError(
        'options',
        `weightRefitEvery must be a positive integer, got ${weightRefitEvery}`,
      );
    }
    this.calibration = calibration;
    this.weightRefitEvery = weightRefitEvery;
    this.graph = createModel(modelName, { ...zooOptions, weights: 'zeros' });
    this.options = (this.graph.metadata.zoo as { options: ResolvedOptions }).options;
    const random = seededRandom(this.options.seed);
    for (const node of this.graph.nodes) this.createParams(node, random);
  }

  get scheme() {
    return this.options.scheme;
  }

  private constant(name: string): Tensor {
    const t = this.graph.constants.get(name);
    if (!t) throw new TrainError('graph', `constant '${name}' is missing from the zoo graph`);
    return t;
  }

  private quantizerConfig(bases: number): QuantizerConfig {
    const name = this.scheme === 'float' ? 'pa' : this.scheme;
    return { name, bases };
  }

  private createParams(node: Node, random: () => number): void {
    const heUniform = (shape: number[], fanIn: number) => {
      const bound = Math.sqrt(6 / fanIn);
      const n = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(
        Float32Array.from({ length: n }, () => (random() * 2 - 1) * bound),
        shape,
      );
    };
    const variable = (init: tf.Tensor, trainable: boolean, name: string) => {
      const v = tf.variable(init, trainable);
      this.names.set(v, name);
      return v;
    };
    switch (node.op) {
      case 'Conv2D':
      case 'PAConv2D': {
        const binary = node.op === 'PAConv2D';
        const weightName = binary ? `${node.name}/weight` : node.inputs[1];
        const shape = binary
          ? this.constant(node.inputs[1]).shape.slice(1)
          : this.constant(node.inputs[1]).shape;
        const [cout, kh, kw, cinG] = shape;
        const groups = (node.attrs.groups as number | undefined) ?? 1;
        const depthwise = groups > 1;
        if (depthwise && !(cinG === 1 && cout === groups)) {
          throw new TrainError(
            'unsupported-op',
            `node '${node.name}': grouped convs train only as depthwise (multiplier 1)`,
          );
        }
        const tfShape = depthwise ? [kh, kw, cout, 1] : [kh, kw, cinG, cout];
        const bias = !binary && node.inputs[2] ? node.inputs[2] : undefined;
        this.convs.set(node.name, {
          weight: variable(heUniform(tfShape, kh * kw * cinG), true, weightName),
          weightName,
          outChannels: cout,
          depthwise,
          bias: bias ? variable(tf.zeros([cout]), true, bias) : undefined,
          binary: binary
            ? {
                weights: new LatentWeightQuantizer(
                  createQuantizer(this.quantizerConfig(node.attrs.weightBases as number)),
                  cout,
                  this.weightRefitEvery,
                ),
              }
            : undefined,
        });
        return;
      }
      case 'BatchNorm': {
        const c = this.constant(node.inputs[1]).shape[0];
        const v = (i: number, fill: number, trainable: boolean) =>
          variable(tf.fill([c], fill), trainable, node.inputs[i]);
        this.norms.set(node.name, {
          gamma: v(1, 1, true),
          beta: v(2, 0, true),
          mean: v(3, 0, false),
          variance: v(4, 1, false),
          epsilon: (node.attrs.epsilon as number | undefined) ?? 1e-5,
        });
        return;
      }
      case 'Dense': {
        const [out, inn] = this.constant(node.inputs[1]).shape;
        const biasName = node.inputs[2] || undefined;
        this.denses.set(node.name, {
          weight: variable(heUniform([inn, out], inn), true, node.inputs[1]),
          weightName: node.inputs[1],
          bias: biasName ? variable(tf.zeros([out]), true, biasName) : undefined,
          biasName,
        });
        return;
      }
      default:
    }
  }

  /** Every variable the optimizer updates (latent weights, BN affine, activation staircases). */
  trainableVariables(): tf.Variable[] {
    const vars: tf.Variable[] = [];
    for (const c of this.convs.values()) {
      vars.push(c.weight);
      if (c.bias) vars.push(c.bias);
      if (c.binary?.activations) vars.push(...c.binary.activations.variables);
    }
    for (const n of this.norms.values()) vars.push(n.gamma, n.beta);
    for (const d of this.denses.values()) {
      vars.push(d.weight);
      if (d.bias) vars.push(d.bias);
    }
    return vars;
  }

  /** Names of the binarized layers (their staircases are saved as `<layer>/act_*`). */
  binarizedLayers(): string[] {
    return [...this.convs].filter(([, c]) => c.binary).map(([name]) => name);
  }

  /** Whether every binarized layer has its activation staircase (see prepare). */
  get calibrated(): boolean {
    return [...this.convs.values()].every((c) => !c.binary || c.binary.activations);
  }

  /**
   * Readies the model for the next forward passes: quantizes every binarized layer's latent
   * weights (once per step, on the host, with the same quantizer export uses) and, if some
   * activation staircases are still missing, calibrates them on `batch`, layer by layer, each
   * on the activations that reach it through the already quantized layers before it.
   */
  async prepare(batch?: tf.Tensor4D, { exact = false }: { exact?: boolean } = {}): Promise<void> {
    for (const [name, c] of this.convs) {
      if (!c.binary) continue;
      const q = await c.binary.weights.apply(c.weight, exact);
      this.quantized.get(name)?.dispose();
      this.quantized.set(name, q);
    }
    if (this.calibrated) return;
    if (!batch) {
      throw new TrainError(
        'calibration',
        'activation staircases need a calibration batch: pass one to prepare()',
      );
    }
    await this.calibrate(batch);
  }

  /**
   * One forward pass in graph order that fits each missing staircase on the activations
   * reaching its layer, before running that layer: later layers see the already quantized
   * earlier ones, and a 120-conv DenseNet costs one pass, not one prefix pass per layer.
   */
  private async calibrate(batch: tf.Tensor4D): Promise<void> {
    // a manual scope instead of tidy, because the read-backs are asynchronous: the scope ends
    // (and frees the intermediates) only once the last layer's input has reached the host
    tf.engine().startScope();
    try {
      for (const { node, conv, input } of this.walk(batch, false)) {
        const samples = (await readBack(input)) as Float32Array;
        if (this.calibration === 'relu')
          for (let i = 0; i < samples.length; i++) samples[i] = Math.max(0, samples[i]);
        const stairs = calibrateActivations(
          samples,
          input.shape[3] as number,
          this.quantizerConfig(node.attrs.activationBases as number),
        );
        const init: Staircase = {
          thresholds: Float64Array.from(stairs.thresholds.data as Float32Array),
          levels: Float64Array.from(stairs.levels.data as Float32Array),
        };
        // set before the walk resumes, which then runs this layer with its new staircase
        (conv.binary as NonNullable<ConvParams['binary']>).activations = createActivationQuantizer(
          this.scheme as 'pa' | 'abc' | 'xnor',
          init,
        );
      }
    } finally {
      tf.engine().endScope();
    }
  }

  /**
   * One batch of a batch-norm re-estimation (reestimateBatchNorm): a training-mode forward whose
   * batch statistics enter the running ones with weight 1/k, k counting from 1, so after K calls
   * each running mean and variance is the plain average over the K batches (k = 1 drops the old
   * statistics). The weights do not change; the logits are discarded.
   */
  accumulateBatchNorm(x: tf.Tensor4D, k: number): void {
    if (!(Number.isInteger(k) && k >= 1)) {
      throw new TrainError('options', `accumulateBatchNorm: k must be an integer >= 1, got ${k}`);
    }
    this.runningMomentum = 1 / k;
    try {
      tf.tidy(() => {
        this.forward(x, true);
      });
    } finally {
      this.runningMomentum = BN_MOMENTUM;
    }
  }

  /**
   * Logits for a batch (NHWC); `prepare()` must have run since the last weight update.
   * `training` uses batch statistics (and updates the running ones). `shares` > 1: `x` is one of
   * that many shares of a batch (trainStep's micro-batches), so the running statistics move by
   * 1 - (1 - momentum)^(1 / shares), and all shares together move them as one batch does.
   */
  forward(x: tf.Tensor4D, training: boolean, shares = 1): tf.Tensor2D {
    if (shares !== 1) this.runningMomentum = 1 - (1 - BN_MOMENTUM) ** (1 / shares);
    try {
      const step = this.walk(x, training).next();
      if (!step.done) {
        throw new TrainError(
          'calibration',
          `layer '${step.value.node.name}' has no activation staircase yet: call prepare(batch) first`,
        );
      }
      return step.value as tf.Tensor2D;
    } finally {
      if (shares !== 1) this.runningMomentum = BN_MOMENTUM;
    }
  }

  /**
   * Runs the graph in order; before each binarized layer still without a staircase it yields
   * the layer and its input (the caller fits one, or stops), and it returns the logits.
   */
  private *walk(
    x: tf.Tensor4D,
    training: boolean,
  ): Generator<{ node: Node; conv: ConvParams; input: tf.Tensor }, tf.Tensor> {
    const values = new Map<string, tf.Tensor>([[this.graph.inputs[0].name, x]]);
    const get = (name: string) => {
      const v = values.get(name);
      if (!v) throw new TrainError('graph', `value '${name}' is used before it is computed`);
      return v;
    };
    for (const node of this.graph.nodes) {
      const input = get(node.inputs[0]);
      const conv = this.convs.get(node.name);
      if (conv?.binary && !conv.binary.activations) yield { node, conv, input };
      values.set(node.outputs[0], this.runNode(node, input, get, training));
    }
    return get(this.graph.outputs[0]);
  }

  private window(node: Node, x: tf.Tensor, kernel: number[]): ConvWindow {
    const w = resolveWindow(
      x.shape[1] as number,
      x.shape[2] as number,
      kernel,
      { padding: 'explicit', strides: [1, 1], pads: [0, 0, 0, 0], ...node.attrs },
      (node.attrs.dilations as number[] | undefined) ?? [1, 1],
    );
    return {
      strides: (node.attrs.strides as [number, number] | undefined) ?? [1, 1],
      pads: [w.padTop, w.padLeft, w.padBottom, w.padRight],
    };
  }

  private runNode(
    node: Node,
    x: tf.Tensor,
    get: (name: string) => tf.Tensor,
    training: boolean,
  ): tf.Tensor {
    switch (node.op) {
      case 'Conv2D':
      case 'PAConv2D': {
        const conv = this.convs.get(node.name) as ConvParams;
        const dil = node.attrs.dilations as number[] | undefined;
        if (dil && (dil[0] !== 1 || dil[1] !== 1)) {
          throw new TrainError(
            'unsupported-op',
            `node '${node.name}': dilated convs do not train yet`,
          );
        }
        const [kh, kw] = conv.weight.shape;
        let input = x as tf.Tensor4D;
        let weight: tf.Tensor4D = conv.weight as tf.Tensor4D;
        if (conv.binary) {
          const quantized = this.quantized.get(node.name);
          if (!quantized) {
            throw new TrainError(
              'prepare',
              `layer '${node.name}': call prepare() before forward()`,
            );
          }
          input = conv.binary.activations?.apply(x) as tf.Tensor4D;
          weight = fakeQuantWeights(conv.weight, quantized);
        }
        const y = conv2d(input, weight, this.window(node, x, [kh, kw]), conv.depthwise);
        return conv.bias ? tf.add(y, conv.bias) : y;
      }
      case 'BatchNorm': {
        const p = this.norms.get(node.name) as BatchNormParams;
        const x4 = x as tf.Tensor4D;
        const [gamma, beta, mean1, var1] = [p.gamma, p.beta, p.mean, p.variance] as tf.Tensor1D[];
        if (!training) return batchNormInfer(x4, gamma, beta, mean1, var1, p.epsilon);
        return batchNormTrain(x4, gamma, beta, p.epsilon, (mean, variance) => {
          const m = x.size / (x.shape[3] as number);
          tf.tidy(() => {
            const mo = this.runningMomentum;
            p.mean.assign(tf.add(tf.mul(p.mean, 1 - mo), tf.mul(mean, mo)));
            const unbiased = tf.mul(variance, m / Math.max(1, m - 1));
            p.variance.assign(tf.add(tf.mul(p.variance, 1 - mo), tf.mul(unbiased, mo)));
          });
        });
      }
      case 'Relu':
        return tf.relu(x);
      case 'Clip':
        return tf.clipByValue(x, node.attrs.min as number, node.attrs.max as number);
      case 'Add':
        return tf.add(x, get(node.inputs[1]));
      case 'Concat':
        return tf.concat(node.inputs.map(get), (node.attrs.axis as number | undefined) ?? -1);
      case 'MaxPool':
      case 'AvgPool': {
        const k = node.attrs.kernelShape as [number, number];
        const win = this.window(node, x, k);
        const [pt, pl, pb, pr] = win.pads;
        const pool = node.op === 'MaxPool' ? tf.maxPool : tf.avgPool;
        const padded =
          pt || pl || pb || pr
            ? tf.pad(
                x,
                [
                  [0, 0],
                  [pt, pb],
                  [pl, pr],
                  [0, 0],
                ],
                node.op === 'MaxPool' ? -3.4e38 : 0,
              )
            : x;
        if (node.op === 'AvgPool' && (pt || pl || pb || pr)) {
          throw new TrainError(
            'unsupported-op',
            `node '${node.name}': padded AvgPool does not train yet`,
          );
        }
        return pool(padded as tf.Tensor4D, k, win.strides, 'valid');
      }
      case 'GlobalAvgPool':
        return tf.mean(x, [1, 2], Boolean(node.attrs.keepDims));
      case 'Dense': {
        const d = this.denses.get(node.name) as DenseParams;
        const y = tf.matMul(x as tf.Tensor2D, d.weight as tf.Tensor2D);
        return d.bias ? tf.add(y, d.bias) : y;
      }
      case 'Flatten':
        return tf.reshape(x, [x.shape[0], -1]);
      default:
        throw new TrainError(
          'unsupported-op',
          `node '${node.name}': op ${node.op} has no training implementation`,
        );
    }
  }

  /**
   * All parameters by their zoo names, in IR layouts (OHWI filters, [out, in] dense weights,
   * `<layer>/act_thresholds` and `<layer>/act_levels` for binarized convs): what `toGraph`
   * passes to the zoo and what `load` accepts (a float model's state initialises a binarized one).
   */
  async state(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    const read = async (v: tf.Variable) => (await readBack(v)) as Float32Array;
    for (const [name, c] of this.convs) {
      const [kh, kw, i, o] = c.weight.shape;
      const hwio = await read(c.weight);
      out[c.weightName] = permute(hwio, [kh, kw, i, o], c.depthwise ? DW_TF_TO_IR : HWIO_TO_OHWI);
      if (c.bias) out[this.nameOf(c.bias)] = await read(c.bias);
      const act = c.binary?.activations;
      if (act) {
        const s = await act.staircase();
        out[`${name}/act_thresholds`] = Float32Array.from(s.thresholds);
        out[`${name}/act_levels`] = Float32Array.from(s.levels);
        for (const [k, v] of Object.entries(await act.state())) out[`${name}/act_state/${k}`] = v;
      }
    }
    for (const n of this.norms.values()) {
      for (const v of [n.gamma, n.beta, n.mean, n.variance]) out[this.nameOf(v)] = await read(v);
    }
    for (const d of this.denses.values()) {
      const [inn, o] = d.weight.shape;
      out[d.weightName] = permute(await read(d.weight), [inn, o], [1, 0]);
      if (d.bias && d.biasName) out[d.biasName] = await read(d.bias);
    }
    return out;
  }

  /**
   * Sets parameters from a state (missing names keep their values, so a float model's state
   * initialises a binarized one); throws on a size mismatch or a non-finite value.
   */
  load(state: Record<string, Float32Array>): void {
    const take = (name: string, v: tf.Variable, convert?: (d: Float32Array) => Float32Array) => {
      const data = state[name];
      if (!data) return;
      if (data.length !== v.size) {
        throw new TrainError(
          'load',
          `'${name}' has ${data.length} values, the model needs ${v.size}`,
        );
      }
      if (!data.every(Number.isFinite))
        throw new TrainError('load', `'${name}' has NaN or Infinity`);
      v.assign(tf.tensor(convert ? convert(data) : data, v.shape));
    };
    for (const [name, c] of this.convs) {
      const [kh, kw, i, o] = c.weight.shape;
      take(c.weightName, c.weight, (d) =>
        c.depthwise
          ? permute(d, [i, kh, kw, o], DW_IR_TO_TF) // [C, kh, kw, 1] -> [kh, kw, C, 1]
          : permute(d, [o, kh, kw, i], OHWI_TO_HWIO),
      );
      if (c.bias) take(this.nameOf(c.bias), c.bias);
      const prefix = `${name}/act_state/`;
      const act = Object.keys(state).filter((k) => k.startsWith(prefix));
      if (c.binary && act.length > 0) {
        const levels = state[`${name}/act_levels`];
        const thresholds = state[`${name}/act_thresholds`];
        c.binary.activations ??= createActivationQuantizer(this.scheme as 'pa' | 'abc' | 'xnor', {
          thresholds: Float64Array.from(thresholds),
          levels: Float64Array.from(levels),
        });
        c.binary.activations.load(
          Object.fromEntries(act.map((k) => [k.slice(prefix.length), state[k]])),
        );
      }
    }
    for (const n of this.norms.values())
      for (const v of [n.gamma, n.beta, n.mean, n.variance]) take(this.nameOf(v), v);
    for (const d of this.denses.values()) {
      const [inn, o] = d.weight.shape;
      take(d.weightName, d.weight, (w) => permute(w, [o, inn], [1, 0]));
      if (d.bias && d.biasName) take(d.biasName, d.bias);
    }
  }

  private nameOf(v: tf.Variable): string {
    return this.names.get(v) as string;
  }

  /** The trained network as IR: the zoo's graph for this scheme, built from `state()`. */
  async toGraph(metadata: Record<string, unknown> = {}): Promise<Graph> {
    if (!this.calibrated) {
      throw new TrainError(
        'export',
        'calibrate the activation staircases (prepare(batch)) before exporting',
      );
    }
    const { weights: _w, ...options } = this.options;
    const graph = createModel(this.modelName, { ...options, weights: await this.state() });
    Object.assign(graph.metadata, metadata);
    return graph;
  }

  dispose(): void {
    for (const q of this.quantized.values()) q.dispose();
    for (const v of this.trainableVariables()) v.dispose();
    for (const n of this.norms.values()) {
      n.mean.dispose();
      n.variance.dispose();
    }
  }
}
