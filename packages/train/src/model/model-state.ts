import { permute } from '@pabnn/ir';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { createActivationQuantizer } from '../quant/activation-quantizers.js';
import { readBack } from '../read-back.js';
import type { BatchNormParams, ConvParams, DenseParams } from './layers.js';

// The IR stores conv filters OHWI and dense weights [out, in]; TF.js wants HWIO filters and
// [in, out] matrices. Depthwise: TF.js [kh, kw, C, 1], the IR [C, kh, kw, 1] (a permutation too:
// the channel axis moves from third to first).
const OHWI_TO_HWIO = [1, 2, 3, 0];
const HWIO_TO_OHWI = [3, 0, 1, 2];
const DW_IR_TO_TF = [1, 2, 0, 3];
const DW_TF_TO_IR = [2, 0, 1, 3];

/** A model's parameters as the state layout sees them. */
export interface ModelParams {
  convs: ReadonlyMap<string, ConvParams>;
  norms: ReadonlyMap<string, BatchNormParams>;
  denses: ReadonlyMap<string, DenseParams>;
  /** Zoo tensor name of each variable. */
  nameOf(v: tf.Variable): string;
  scheme: string;
}

/**
 * All parameters by their zoo names, in IR layouts (OHWI filters, [out, in] dense weights,
 * `<layer>/act_thresholds` and `<layer>/act_levels` for binarized convs).
 */
export async function readState(p: ModelParams): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  const read = async (v: tf.Variable) => (await readBack(v)) as Float32Array;
  for (const [name, c] of p.convs) {
    const [kh, kw, i, o] = c.weight.shape;
    const hwio = await read(c.weight);
    out[c.weightName] = permute(hwio, [kh, kw, i, o], c.depthwise ? DW_TF_TO_IR : HWIO_TO_OHWI);
    if (c.bias) out[p.nameOf(c.bias)] = await read(c.bias);
    const act = c.binary?.activations;
    if (act) {
      const s = await act.staircase();
      out[`${name}/act_thresholds`] = Float32Array.from(s.thresholds);
      out[`${name}/act_levels`] = Float32Array.from(s.levels);
      for (const [k, v] of Object.entries(await act.state())) out[`${name}/act_state/${k}`] = v;
    }
  }
  for (const n of p.norms.values()) {
    for (const v of [n.gamma, n.beta, n.mean, n.variance]) out[p.nameOf(v)] = await read(v);
  }
  for (const d of p.denses.values()) {
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
export function loadState(p: ModelParams, state: Record<string, Float32Array>): void {
  const take = (name: string, v: tf.Variable, convert?: (d: Float32Array) => Float32Array) => {
    const data = state[name];
    if (!data) return;
    if (data.length !== v.size)
      throw new TrainError(
        'load',
        `'${name}' has ${data.length} values, the model needs ${v.size}`,
      );
    if (!data.every(Number.isFinite)) throw new TrainError('load', `'${name}' has NaN or Infinity`);
    v.assign(tf.tensor(convert ? convert(data) : data, v.shape));
  };
  for (const [name, c] of p.convs) {
    const [kh, kw, i, o] = c.weight.shape;
    take(c.weightName, c.weight, (d) =>
      c.depthwise
        ? permute(d, [i, kh, kw, o], DW_IR_TO_TF) // [C, kh, kw, 1] -> [kh, kw, C, 1]
        : permute(d, [o, kh, kw, i], OHWI_TO_HWIO),
    );
    if (c.bias) take(p.nameOf(c.bias), c.bias);
    const prefix = `${name}/act_state/`;
    const act = Object.keys(state).filter((k) => k.startsWith(prefix));
    if (c.binary && act.length > 0) {
      const levels = state[`${name}/act_levels`];
      const thresholds = state[`${name}/act_thresholds`];
      c.binary.activations ??= createActivationQuantizer(p.scheme as 'pa' | 'abc' | 'xnor', {
        thresholds: Float64Array.from(thresholds),
        levels: Float64Array.from(levels),
      });
      c.binary.activations.load(
        Object.fromEntries(act.map((k) => [k.slice(prefix.length), state[k]])),
      );
    }
  }
  for (const n of p.norms.values())
    for (const v of [n.gamma, n.beta, n.mean, n.variance]) take(p.nameOf(v), v);
  for (const d of p.denses.values()) {
    const [inn, o] = d.weight.shape;
    take(d.weightName, d.weight, (w) => permute(w, [o, inn], [1, 0]));
    if (d.bias && d.biasName) take(d.biasName, d.bias);
  }
}
