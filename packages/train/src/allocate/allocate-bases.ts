import type { LayerBases } from '@pabnn/zoo';
import { TrainError } from '../errors.js';

/** What a choice costs and the error it adds, whatever the layer becomes. */
interface ChoiceCost {
  /** Latency (ms), binary operations...: any unit, the same for every layer, >= 0. */
  cost: number;
  /** Error it adds to the model (e.g. LayerSensitivity.klIncrease); lower is better. */
  error: number;
  /** The layer's weight bytes at this choice; counted only under AllocateOptions.maxBytes. */
  bytes?: number;
}

/**
 * One (M, N) a layer may take, or `float: true`: the layer stays a float conv (the zoo's
 * floatConvs), with what it costs and the error it adds.
 */
export type BasesChoice = ChoiceCost & (LayerBases | { float: true });

export interface AllocateOptions {
  /**
   * At most this many weight bytes in the allocated layers (each choice's `bytes`): the second
   * budget that float choices need, since on some layers a float conv is both faster and more
   * accurate than any (M, N) and latency alone would keep them all float.
   */
  maxBytes?: number;
}

export interface LayerChoices {
  layer: string;
  choices: BasesChoice[];
}

export interface Allocation {
  /** Each binarized layer's (M, N): the zoo's `layerBases` option. */
  layerBases: Record<string, LayerBases>;
  /** The layers whose float choice won: the zoo's `floatConvs` option. */
  floatConvs: string[];
  /** Sum of the chosen choices' costs (<= the budget). */
  cost: number;
  /** Sum of the chosen choices' errors: the predicted error under the additivity assumption. */
  error: number;
  /** Sum of the chosen choices' bytes (0 where choices have none). */
  bytes: number;
}

/** Fronts above this size are thinned (evenly in cost), so 100+ layer nets stay fast. */
const MAX_FRONT = 4096;

interface Candidate {
  cost: number;
  error: number;
  bytes: number;
  picks: number[];
}

const isFloat = (c: BasesChoice): c is ChoiceCost & { float: true } =>
  (c as { float?: boolean }).float === true;

/** How a choice reads in an error message. */
const describe = (c: BasesChoice) =>
  isFloat(c) ? 'float' : `(${c.weightBases}, ${c.activationBases})`;

/**
 * Chooses each layer's (M, N) to minimise the summed error under a cost budget: a
 * multiple-choice knapsack, solved by dynamic programming over the layers on the Pareto front
 * of (cost, error) partial allocations: a partial allocation that costs more and errs more than
 * another is dropped. Exact for the additive error model while the front stays under 4,096
 * points (ResNet-8's 8 layers x 6 choices: a few dozen); above that the front is thinned evenly
 * in cost. With `maxBytes` the front is over (cost, bytes, error) and both budgets hold.
 * docs/PA-METHOD.md, Per-layer bases, says where the costs and errors come from.
 */
export function allocateBases(
  layers: LayerChoices[],
  budget: number,
  { maxBytes }: AllocateOptions = {},
): Allocation {
  if (!(budget >= 0)) throw new TrainError('options', `budget must be >= 0, got ${budget}`);
  if (maxBytes !== undefined && !(maxBytes >= 0))
    throw new TrainError('options', `maxBytes must be >= 0, got ${maxBytes}`);
  const bytesOf = (c: BasesChoice) => (maxBytes === undefined ? 0 : (c.bytes ?? Number.NaN));
  if (layers.length === 0) throw new TrainError('options', 'no layers to allocate');
  let minimum = 0;
  for (const { layer, choices } of layers) {
    if (choices.length === 0) throw new TrainError('options', `layer '${layer}' has no choices`);
    for (const c of choices) {
      if (!(Number.isFinite(c.cost) && c.cost >= 0) || !Number.isFinite(c.error)) {
        throw new TrainError(
          'options',
          `layer '${layer}' ${describe(c)}: cost must be finite and >= 0, error finite (got ${c.cost}, ${c.error})`,
        );
      }
      if (!(bytesOf(c) >= 0)) {
        throw new TrainError(
          'options',
          `layer '${layer}' ${describe(c)}: maxBytes needs every choice's bytes (>= 0), got ${c.bytes}`,
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
  let front: Candidate[] = [{ cost: 0, error: 0, bytes: 0, picks: [] }];
  for (const { layer, choices } of layers) {
    const next: Candidate[] = [];
    for (const p of front) {
      choices.forEach((c, i) => {
        const cost = p.cost + c.cost;
        const bytes = p.bytes + bytesOf(c);
        if (cost <= budget && (maxBytes === undefined || bytes <= maxBytes))
          next.push({ cost, error: p.error + c.error, bytes, picks: [...p.picks, i] });
      });
    }
    if (next.length === 0) {
      throw new TrainError(
        'options',
        `no allocation fits maxBytes ${maxBytes} and the budget ${budget} once '${layer}' is counted: raise either or add smaller choices`,
      );
    }
    front = thin(paretoFront(next));
  }
  // the least error on the front (the last point when bytes are not counted)
  const best = front.reduce((a, b) => (b.error < a.error ? b : a));
  const layerBases: Record<string, LayerBases> = {};
  const floatConvs: string[] = [];
  layers.forEach(({ layer, choices }, i) => {
    const c = choices[best.picks[i]];
    if (isFloat(c)) floatConvs.push(layer);
    else layerBases[layer] = { weightBases: c.weightBases, activationBases: c.activationBases };
  });
  return { layerBases, floatConvs, cost: best.cost, error: best.error, bytes: best.bytes };
}

/**
 * Points no other point beats on cost, bytes and error at once, by rising cost. Without bytes
 * (all 0) it is the (cost, error) front: each kept point has less error than the one before.
 */
function paretoFront(points: Candidate[]): Candidate[] {
  points.sort((a, b) => a.cost - b.cost || a.error - b.error || a.bytes - b.bytes);
  const front: Candidate[] = [];
  let minError = Number.POSITIVE_INFINITY;
  for (const p of points) {
    // below every kept error nothing kept can beat it; otherwise look, newest (least error) first
    if (p.error >= minError && dominated(p, front)) continue;
    front.push(p);
    minError = Math.min(minError, p.error);
  }
  return front;
}

function dominated(p: Candidate, front: Candidate[]): boolean {
  for (let i = front.length - 1; i >= 0; i--)
    if (front[i].bytes <= p.bytes && front[i].error <= p.error) return true;
  return false;
}

function thin(front: Candidate[]): Candidate[] {
  if (front.length <= MAX_FRONT) return front;
  const step = (front.length - 1) / (MAX_FRONT - 1);
  return Array.from({ length: MAX_FRONT }, (_, i) => front[Math.round(i * step)]);
}
