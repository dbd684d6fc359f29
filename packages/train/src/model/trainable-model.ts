import { type Graph, type Node, seededRandom, type Tensor } from '@pabnn/ir';
import {
  calibrateActivations,
  createQuantizer,
  type QuantizerConfig,
  type Staircase,
} from '@pabnn/quantizer';
import { createModel, type ResolvedOptions, type ZooOptions } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { createActivationQuantizer } from '../quant/activation-quantizers.js';
import { LatentWeightQuantizer } from '../quant/weight-fake-quant.js';
import { readBack } from '../read-back.js';
import type { BatchNormParams, ConvParams, DenseParams } from './layers.js';
import { loadState, type ModelParams, readState } from './model-state.js';
import { runTrainOp } from './train-ops.js';

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
   * Which batch-norm statistics the calibration pass normalises with: 'batch' (default: the
   * calibration batch's own, as the training-mode forwards of `fit` do; the running statistics
   * are left as they are) or 'running' (the running statistics, as inference does; the only
   * behaviour before this option). The running statistics of a float model do not match its
   * binarized version: the quantized layers change each later layer's input, so staircases fitted
   * in inference mode can sit at a scale training never sees. ABC-Net 3x3 on MobileNet-V1
   * (relu calibration) was fitted to inputs whose standard deviation doubled block by block, to
   * 2,231 at the 13th, while training mode normalises them to ~1: every input then fell on one
   * step, outside every straight-through window, and no gradient reached the convs below the
   * last one (reports/accuracy.md, Notes).
   */
  calibrationStatistics?: 'batch' | 'running';
  /**
   * Refit PA weight thresholds every this many steps (default 1: every step); in between the
   * levels still follow the weights (LatentWeightQuantizer). Evaluation and export refit.
   */
  weightRefitEvery?: number;
};

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
  /** The batch-norm statistics of the calibration pass (TrainableModelOptions). */
  readonly calibrationStatistics: 'batch' | 'running';
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
  /** Binarized convs use their latent weights un-quantized (prepare's `floatWeights`). */
  private floatWeights = false;

  constructor(
    readonly modelName: string,
    {
      calibration = 'relu',
      calibrationStatistics = 'batch',
      weightRefitEvery = 1,
      ...zooOptions
    }: TrainableModelOptions = {},
  ) {
    if (!(Number.isInteger(weightRefitEvery) && weightRefitEvery >= 1)) {
      throw new TrainError(
        'options',
        `weightRefitEvery must be a positive integer, got ${weightRefitEvery}`,
      );
    }
    if (calibrationStatistics !== 'batch' && calibrationStatistics !== 'running') {
      throw new TrainError(
        'options',
        `calibrationStatistics must be 'batch' or 'running', got ${calibrationStatistics}`,
      );
    }
    this.calibration = calibration;
    this.calibrationStatistics = calibrationStatistics;
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

  /**
   * Whether the forwards since the last prepare use binarized weights (false in the
   * activations-only stage of staged binarization: prepare's `floatWeights`).
   */
  get weightsBinarized(): boolean {
    return !this.floatWeights;
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
   *
   * `floatWeights` (the first stage of staged binarization, FitOptions.stagedBinarization):
   * until the next prepare without it, binarized convs use their latent weights un-quantized
   * and only their inputs go through the staircases. The first prepare after such a stage
   * refits every weight staircase (as `exact` does), so the first binarized step does not use
   * thresholds fitted to weights from before the stage.
   */
  async prepare(
    batch?: tf.Tensor4D,
    { exact = false, floatWeights = false }: { exact?: boolean; floatWeights?: boolean } = {},
  ): Promise<void> {
    const refit = exact || this.floatWeights;
    this.floatWeights = floatWeights;
    for (const [name, c] of this.convs) {
      if (!c.binary) continue;
      c.binary.activations?.order?.();
      this.quantized.get(name)?.dispose();
      this.quantized.delete(name);
      // no Q(w) in the float stage: it would cost a fit per step and be ignored
      if (!floatWeights) this.quantized.set(name, await c.binary.weights.apply(c.weight, refit));
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
    // 'batch': the batch statistics of a training-mode forward, with momentum 0 so that the
    // running statistics stay as they are
    const training = this.calibrationStatistics === 'batch';
    this.runningMomentum = 0;
    try {
      for (const { node, conv, input } of this.walk(batch, training)) {
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
      this.runningMomentum = BN_MOMENTUM;
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
      values.set(
        node.outputs[0],
        runTrainOp(
          {
            convs: this.convs,
            norms: this.norms,
            denses: this.denses,
            quantized: this.quantized,
            floatWeights: this.floatWeights,
            runningMomentum: this.runningMomentum,
            training,
            get,
          },
          node,
          input,
        ),
      );
    }
    return get(this.graph.outputs[0]);
  }

  /**
   * All parameters by their zoo names, in IR layouts (OHWI filters, [out, in] dense weights,
   * `<layer>/act_thresholds` and `<layer>/act_levels` for binarized convs): what `toGraph`
   * passes to the zoo and what `load` accepts (a float model's state initialises a binarized one).
   */
  async state(): Promise<Record<string, Float32Array>> {
    return readState(this.params());
  }

  /**
   * Sets parameters from a state (missing names keep their values, so a float model's state
   * initialises a binarized one); throws on a size mismatch or a non-finite value.
   */
  load(state: Record<string, Float32Array>): void {
    loadState(this.params(), state);
  }

  private params(): ModelParams {
    return {
      convs: this.convs,
      norms: this.norms,
      denses: this.denses,
      nameOf: (v) => this.nameOf(v),
      scheme: this.scheme,
    };
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
