import { binaryConvMacs, createModel, type LayerBases } from '@pabnn/zoo';
import type { TrainableModelOptions } from '../model/trainable-model.js';
import type { LayerChoices } from './allocate-bases.js';
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

/**
 * allocateBases' input from measured sensitivities: each layer may take each measured
 * candidate (its error: the KL increase measured for it) or the reference bases (error 0).
 */
export function choicesFromSensitivity(s: Sensitivity, cost: LayerCost): LayerChoices[] {
  const byLayer = new Map<string, LayerChoices>();
  for (const row of s.layers) {
    let entry = byLayer.get(row.layer);
    if (!entry) {
      const ref = {
        weightBases: s.reference.weightBases,
        activationBases: s.reference.activationBases,
      };
      entry = { layer: row.layer, choices: [{ ...ref, cost: cost(row.layer, ref), error: 0 }] };
      byLayer.set(row.layer, entry);
    }
    const same = entry.choices.some(
      (c) => c.weightBases === row.weightBases && c.activationBases === row.activationBases,
    );
    if (same) continue;
    const bases = { weightBases: row.weightBases, activationBases: row.activationBases };
    entry.choices.push({ ...bases, cost: cost(row.layer, bases), error: row.klIncrease });
  }
  return [...byLayer.values()];
}
