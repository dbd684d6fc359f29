import { binaryConvMacs, createModel, type LayerBases } from '@pabnn/zoo';
import type { TrainableModelOptions } from '../model/trainable-model.js';
import type { BasesChoice, LayerChoices } from './allocate-bases.js';
import type { Sensitivity } from './sensitivity.js';

/** What a layer costs at some (M, N), in the budget's unit. */
export type LayerCost = (layer: string, bases: LayerBases) => number;

/**
 * Binary MACs of a layer at (M, N): M x N times its MACs at batch 1 (the cost model of
 * docs/PA-METHOD.md). Proportional to the popcount work; measured latency (apps/bench's
 * per-layer wasm times) also counts each layer's fixed costs, which this does not.
 */
export function binaryOpsCost(model: string, options: TrainableModelOptions): LayerCost {
  const { calibration: _c, weightRefitEvery: _w, ...zoo } = options;
  const macs = binaryConvMacs(createModel(model, { ...zoo, weights: 'zeros' }));
  return (layer, { weightBases, activationBases }) => {
    const n = macs[layer];
    if (n === undefined) throw new Error(`'${layer}' is not a binarized conv of ${model}`);
    return n * weightBases * activationBases;
  };
}

/** What choicesFromSensitivity adds beyond the measured (M, N) candidates. */
export interface ChoiceOptions {
  /** Each layer's weight bytes at (M, N), for allocateBases' maxBytes. */
  bytes?: LayerCost;
  /**
   * A layer's float choice (the zoo's floatConvs), where it may stay float: its cost in the
   * budget's unit and its weight bytes. Its error is taken as 0, the reference's: a float layer
   * adds no quantization error, so 0 is an upper bound of what it adds against the reference.
   */
  float?: (layer: string) => { cost: number; bytes?: number } | undefined;
}

/**
 * allocateBases' input from measured sensitivities: each layer may take each measured
 * candidate (its error: the KL increase measured for it), the reference bases (error 0) and,
 * where `options.float` offers it, float.
 */
export function choicesFromSensitivity(
  s: Sensitivity,
  cost: LayerCost,
  options: ChoiceOptions = {},
): LayerChoices[] {
  const byLayer = new Map<string, LayerChoices>();
  const choice = (layer: string, bases: LayerBases, error: number): BasesChoice => ({
    ...bases,
    cost: cost(layer, bases),
    error,
    ...(options.bytes ? { bytes: options.bytes(layer, bases) } : {}),
  });
  for (const row of s.layers) {
    let entry = byLayer.get(row.layer);
    if (!entry) {
      const ref = {
        weightBases: s.reference.weightBases,
        activationBases: s.reference.activationBases,
      };
      entry = { layer: row.layer, choices: [choice(row.layer, ref, 0)] };
      const float = options.float?.(row.layer);
      if (float) entry.choices.push({ float: true, error: 0, ...float });
      byLayer.set(row.layer, entry);
    }
    const same = entry.choices.some(
      (c) =>
        'weightBases' in c &&
        c.weightBases === row.weightBases &&
        c.activationBases === row.activationBases,
    );
    if (same) continue;
    const bases = { weightBases: row.weightBases, activationBases: row.activationBases };
    entry.choices.push(choice(row.layer, bases, row.klIncrease));
  }
  return [...byLayer.values()];
}
