import type { LayerBases } from '@pabnn/zoo';
import { TrainError } from '../errors.js';

/** One (M, N) a layer may take, with what it costs and the error it adds. */
export interface BasesChoice extends LayerBases {
  /** Latency (ms), binary operations, bytes...: any unit, the same for every layer, >= 0. */
  cost: number;
  /** Error it adds to the model (e.g. LayerSensitivity.klIncrease); lower is better. */
  error: number;
}

export interface LayerChoices {
  layer: string;
  choices: BasesChoice[];
}

export interface Allocation {
  /** Each layer's (M, N): the zoo's `layerBases` option. */
  layerBases: Record<string, LayerBases>;
  /** Sum of the chosen choices' costs (<= the budget). */
  cost: number;
  /** Sum of the chosen choices' errors: the predicted error under the additivity assumption. */
  error: number;
}

/** Fronts above this size are thinned (evenly in cost), so 100+ layer nets stay fast. */
const MAX_FRONT = 4096;

interface Candidate {
  cost: number;
  error: number;
  picks: number[];
}

/**
 * Chooses each layer's (M, N) to minimise the summed error under a cost budget: a
 * multiple-choice knapsack, solved by dynamic programming over the layers on the Pareto front
 * of (cost, error) partial allocations: a partial allocation that costs more and errs more than
 * another is dropped. Exact for the additive error model while the front stays under 4,096
 * points (ResNet-8's 8 layers x 6 choices: a few dozen); above that the front is thinned evenly
 * in cost. docs/PA-METHOD.md, Per-layer bases, says where the costs and errors come from.
 */
export function allocateBases(layers: LayerChoices[], budget: number): Allocation {
  if (!(budget >= 0)) throw new TrainError('options', `budget must be >= 0, got ${budget}`);
  if (layers.length === 0) throw new TrainError('options', 'no layers to allocate');
  let minimum = 0;
  for (const { layer, choices } of layers) {
    if (choices.length === 0) throw new TrainError('options', `layer '${layer}' has no choices`);
    for (const c of choices) {
      if (!(Number.isFinite(c.cost) && c.cost >= 0) || !Number.isFinite(c.error)) {
        throw new TrainError(
          'options',
          `layer '${layer}' (${c.weightBases}, ${c.activationBases}): cost must be finite and >= 0, error finite (got ${c.cost}, ${c.error})`,
        );
      }
    }
    minimum += Math.min(...choices.map((c) => c.cost));
  }
  if (minimum > budget) {
    throw new TrainError(
      'options',
      `budget ${budget} is below the cheapest allocation's cost ${minimum}: raise the budget or add cheaper choices`,
    );
  }
  let front: Candidate[] = [{ cost: 0, error: 0, picks: [] }];
  for (const { choices } of layers) {
    const next: Candidate[] = [];
    for (const p of front) {
      choices.forEach((c, i) => {
        const cost = p.cost + c.cost;
        if (cost <= budget) next.push({ cost, error: p.error + c.error, picks: [...p.picks, i] });
      });
    }
    front = thin(paretoFront(next));
  }
  // the front is sorted by cost with falling error: its last point is the best within budget
  const best = front[front.length - 1];
  const layerBases: Record<string, LayerBases> = {};
  layers.forEach(({ layer, choices }, i) => {
    const { weightBases, activationBases } = choices[best.picks[i]];
    layerBases[layer] = { weightBases, activationBases };
  });
  return { layerBases, cost: best.cost, error: best.error };
}

/** Points no other point beats on both cost and error, by rising cost (falling error). */
function paretoFront(points: Candidate[]): Candidate[] {
  points.sort((a, b) => a.cost - b.cost || a.error - b.error);
  const front: Candidate[] = [];
  for (const p of points)
    if (front.length === 0 || p.error < front[front.length - 1].error) front.push(p);
  return front;
}

function thin(front: Candidate[]): Candidate[] {
  if (front.length <= MAX_FRONT) return front;
  const step = (front.length - 1) / (MAX_FRONT - 1);
  return Array.from({ length: MAX_FRONT }, (_, i) => front[Math.round(i * step)]);
}
