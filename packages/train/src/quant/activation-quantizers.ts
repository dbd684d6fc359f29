import { decompose, type Staircase } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { customGrad } from '../ops/custom-grad.js';
import { readBack } from '../read-back.js';
import { abcStaircase } from './abc-staircase.js';
import { paStaircase, type StaircaseFormulation } from './pa-staircase.js';

/**
 * A trainable activation staircase placed at a binarized conv's input. Its forward pass is
 * exactly the staircase PAConv2D evaluates (piece k = #{j : x >= t_j}, value v_k), so the
 * exported model computes what training saw; the gradients are straight-through estimators.
 */
export interface ActivationQuantizer {
  readonly scheme: 'pa' | 'abc' | 'xnor';
  readonly variables: tf.Variable[];
  apply(x: tf.Tensor): tf.Tensor;
  /** The current staircase, thresholds ascending, for export. */
  staircase(): Promise<Staircase>;
  /** Serializable parameters (checkpoints), and their restore. */
  state(): Promise<Record<string, Float32Array>>;
  load(state: Record<string, Float32Array>): void;
}

const toFloat = (t: tf.Tensor) => tf.cast(t, 'float32');

/**
 * PA: N+1 learnable levels; thresholds are the midpoints of neighbouring levels (nearest-level
 * rounding, where a least-squares fit puts them). dQ/dx = 1 inside [v_0, v_N] and 0 outside
 * (the slope of the staircase's piecewise-linear interpolation, docs/PA-METHOD.md, Training);
 * dQ/dv_k is the indicator of piece k (pa-staircase.ts: its formulation follows the backend
 * unless given).
 */
class PAActivation implements ActivationQuantizer {
  readonly scheme = 'pa';
  readonly variables: tf.Variable[];
  private readonly levels: tf.Variable;

  constructor(
    init: Staircase,
    private readonly formulation?: StaircaseFormulation,
  ) {
    this.levels = tf.variable(tf.tensor1d(Float32Array.from(init.levels)), true);
    this.variables = [this.levels];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return paStaircase(x, this.levels, this.formulation);
  }

  async staircase(): Promise<Staircase> {
    const levels = Float64Array.from(await readBack(this.levels)).sort();
    const thresholds = levels.slice(1).map((v, j) => (levels[j] + v) / 2);
    return { thresholds, levels };
  }

  async state() {
    return { levels: (await readBack(this.levels)) as Float32Array };
  }

  load(state: Record<string, Float32Array>) {
    this.levels.assign(tf.tensor1d(checked(state.levels, this.levels.shape[0], 'levels')));
  }
}

/**
 * ABC-Net: Q(x) = c + sum_n beta_n * sign(x - t_n) with learnable coefficients beta_n and
 * shifts t_n; each sign's STE is that of ABC-Net's hard clip over a window of width 1:
 * dQ/dx = sum_n 2 beta_n [|x - t_n| <= 1/2], dQ/dt_n = -2 beta_n [|x - t_n| <= 1/2].
 */
class ABCActivation implements ActivationQuantizer {
  readonly scheme = 'abc';
  readonly variables: tf.Variable[];
  private readonly shifts: tf.Variable;
  private readonly betas: tf.Variable;
  private readonly constant: number;

  constructor(
    init: Staircase,
    private readonly formulation?: StaircaseFormulation,
  ) {
    const d = decompose(init);
    this.constant = d.constant;
    this.shifts = tf.variable(tf.tensor1d(Float32Array.from(init.thresholds)), true);
    this.betas = tf.variable(tf.tensor1d(Float32Array.from(d.coefficients)), true);
    this.variables = [this.shifts, this.betas];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return abcStaircase(x, this.shifts, this.betas, this.constant, this.formulation);
  }

  async staircase(): Promise<Staircase> {
    const t = await readBack(this.shifts);
    const b = await readBack(this.betas);
    const order = [...t.keys()].sort((i, j) => t[i] - t[j]);
    const thresholds = Float64Array.from(order, (i) => t[i]);
    const betas = order.map((i) => b[i]);
    const total = betas.reduce((s, v) => s + v, 0);
    const levels = new Float64Array(betas.length + 1);
    let below = 0;
    for (let k = 0; k <= betas.length; k++) {
      levels[k] = this.constant + below - (total - below);
      if (k < betas.length) below += betas[k];
    }
    return { thresholds, levels };
  }

  async state() {
    return {
      shifts: (await readBack(this.shifts)) as Float32Array,
      betas: (await readBack(this.betas)) as Float32Array,
    };
  }

  load(state: Record<string, Float32Array>) {
    this.shifts.assign(tf.tensor1d(checked(state.shifts, this.shifts.shape[0], 'shifts')));
    this.betas.assign(tf.tensor1d(checked(state.betas, this.betas.shape[0], 'betas')));
  }
}

/** XNOR-Net: sign(x) scaled by the calibrated mean |x| (fixed); STE [|x| <= 1]. */
class XnorActivation implements ActivationQuantizer {
  readonly scheme = 'xnor';
  readonly variables: tf.Variable[] = [];
  private alpha: number;

  constructor(init: Staircase) {
    this.alpha = init.levels[1];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const a = this.alpha;
    const op = customGrad(([xi], save) => {
      save([xi]);
      return {
        value: tf.sub(tf.mul(toFloat(tf.greaterEqual(xi, 0)), 2 * a), a),
        gradFunc: (dy, [sx]) => tf.mul(dy, toFloat(tf.lessEqual(tf.abs(sx), 1))),
      };
    });
    return op(x);
  }

  async staircase(): Promise<Staircase> {
    return { thresholds: Float64Array.of(0), levels: Float64Array.of(-this.alpha, this.alpha) };
  }

  async state() {
    return { alpha: Float32Array.of(this.alpha) };
  }

  load(state: Record<string, Float32Array>) {
    this.alpha = checked(state.alpha, 1, 'alpha')[0];
  }
}

function checked(values: Float32Array | undefined, length: number, what: string): Float32Array {
  if (!values || values.length !== length || !values.every(Number.isFinite)) {
    throw new TrainError(
      'checkpoint',
      `activation quantizer ${what}: expected ${length} finite values`,
    );
  }
  return values;
}

/** The activation quantizer of a scheme, initialised from a calibrated staircase. */
export function createActivationQuantizer(
  scheme: 'pa' | 'abc' | 'xnor',
  init: Staircase,
  /** PA's and ABC's staircase formulation (pa-staircase.ts); default: the current backend's. */
  formulation?: StaircaseFormulation,
): ActivationQuantizer {
  if (scheme === 'pa') return new PAActivation(init, formulation);
  if (scheme === 'abc') return new ABCActivation(init, formulation);
  return new XnorActivation(init);
}
