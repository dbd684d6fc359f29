import { decompose, type Staircase } from '@pabnn/quantizer';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { customGrad } from '../ops/custom-grad.js';
import { readBack } from '../read-back.js';

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
  /**
   * Puts the parameters back in the order export reads them, where a step may have broken it
   * (TrainableModel.prepare calls it before every forward pass). Absent: any order is exported
   * as trained.
   */
  order?(): void;
}

// A rank-0 element: TF.js wasm compares against a scalar ~20x faster than against shape [1].
const scalarAt = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i], [1]), []);
const toFloat = (t: tf.Tensor) => tf.cast(t, 'float32');

/**
 * PA: N+1 learnable levels; thresholds are the midpoints of neighbouring levels (nearest-level
 * rounding, where a least-squares fit puts them). dQ/dx = 1 inside [v_0, v_N] and 0 outside
 * (the slope of the staircase's piecewise-linear interpolation, docs/PA-METHOD.md, Training);
 * dQ/dv_k is the indicator of piece k.
 */
class PAActivation implements ActivationQuantizer {
  readonly scheme = 'pa';
  readonly variables: tf.Variable[];
  private readonly levels: tf.Variable;

  constructor(init: Staircase) {
    this.levels = tf.variable(tf.tensor1d(Float32Array.from(init.levels)), true);
    this.variables = [this.levels];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const n = this.levels.shape[0] - 1;
    const op = customGrad(([xi, l], save) => {
      save([xi, l]);
      const masks = thresholdMasks(xi, l, n);
      let q: tf.Tensor = tf.add(tf.zerosLike(xi), scalarAt(l, 0));
      for (let j = 1; j <= n; j++) {
        q = tf.add(q, tf.mul(masks[j - 1], tf.sub(scalarAt(l, j), scalarAt(l, j - 1))));
      }
      return {
        value: q,
        gradFunc: (dy, saved) => {
          const [sx, sl] = saved;
          const inside = toFloat(
            tf.logicalAnd(tf.greaterEqual(sx, scalarAt(sl, 0)), tf.lessEqual(sx, scalarAt(sl, n))),
          );
          const ms = thresholdMasks(sx, sl, n);
          // S_j = sum(dy * [x >= t_j]) with S_0 = sum(dy), S_{N+1} = 0; dv_k = S_k - S_{k+1}
          const sums = [tf.sum(dy), ...ms.map((m) => tf.sum(tf.mul(dy, m))), tf.scalar(0)];
          const dl = tf.stack(sums.slice(0, n + 1).map((s, k) => tf.sub(s, sums[k + 1])));
          return [tf.mul(dy, inside), dl];
        },
      };
    });
    return op(x, this.levels);
  }

  /**
   * Sorts the levels ascending. A gradient step may carry one level past its neighbour; the
   * forward above, with thresholds at the midpoints of consecutive levels, then computes a
   * staircase that is not monotone, while export (staircase()) writes the sorted one: a model
   * whose exported function differs from the one trained and evaluated (seen at learning rate
   * 3e-3: one layer's two lowest levels swapped, and the runtime agreed with TF.js on 978 of
   * 1,000 images). Sorting before each forward keeps the two the same. On the device, without a
   * read-back.
   */
  order(): void {
    const sorted = tf.tidy(() => tf.neg(tf.topk(tf.neg(this.levels), this.levels.shape[0]).values));
    this.levels.assign(sorted);
    sorted.dispose();
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

/** [x >= t_j] for j = 1..N, thresholds at the levels' midpoints. */
function thresholdMasks(x: tf.Tensor, levels: tf.Tensor, n: number): tf.Tensor[] {
  const masks: tf.Tensor[] = [];
  for (let j = 1; j <= n; j++) {
    const t = tf.mul(tf.add(scalarAt(levels, j - 1), scalarAt(levels, j)), 0.5);
    masks.push(toFloat(tf.greaterEqual(x, t)));
  }
  return masks;
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

  constructor(init: Staircase) {
    const d = decompose(init);
    this.constant = d.constant;
    this.shifts = tf.variable(tf.tensor1d(Float32Array.from(init.thresholds)), true);
    this.betas = tf.variable(tf.tensor1d(Float32Array.from(d.coefficients)), true);
    this.variables = [this.shifts, this.betas];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const n = this.shifts.shape[0];
    const c = this.constant;
    const op = customGrad(([xi, t, b], save) => {
      save([xi, t, b]);
      let q: tf.Tensor = tf.fill(xi.shape, c);
      for (let j = 0; j < n; j++) {
        const sign = tf.sub(tf.mul(toFloat(tf.greaterEqual(xi, scalarAt(t, j))), 2), 1);
        q = tf.add(q, tf.mul(sign, scalarAt(b, j)));
      }
      return {
        value: q,
        gradFunc: (dy, saved) => {
          const [sx, st, sb] = saved;
          let dx: tf.Tensor = tf.zerosLike(sx);
          const dt: tf.Tensor[] = [];
          const db: tf.Tensor[] = [];
          for (let j = 0; j < n; j++) {
            const diff = tf.sub(sx, scalarAt(st, j));
            const near = toFloat(tf.lessEqual(tf.abs(diff), 0.5));
            const slope = tf.mul(near, tf.mul(scalarAt(sb, j), 2));
            dx = tf.add(dx, slope);
            dt.push(tf.neg(tf.sum(tf.mul(dy, slope))));
            const sign = tf.sub(tf.mul(toFloat(tf.greaterEqual(diff, 0)), 2), 1);
            db.push(tf.sum(tf.mul(dy, sign)));
          }
          return [tf.mul(dy, dx), tf.stack(dt), tf.stack(db)];
        },
      };
    });
    return op(x, this.shifts, this.betas);
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
): ActivationQuantizer {
  if (scheme === 'pa') return new PAActivation(init);
  if (scheme === 'abc') return new ABCActivation(init);
  return new XnorActivation(init);
}
