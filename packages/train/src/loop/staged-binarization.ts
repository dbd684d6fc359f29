import { TrainError } from '../errors.js';

/**
 * Staged binarization: binarize the activations first and the weights later.
 *
 * For the first `activationsOnlyFraction` of a run's steps only the activations are quantized
 * (each binarized conv's input goes through its staircase, as in PAConv2D) while the convs use
 * the float latent weights as they are; from then on the weights are fake-quantized too, so the
 * rest of the run and the exported model are fully binarized. The network first adapts to the
 * coarse activations, the harder change, with the weights free to move, and only then meets the
 * weight staircases. The split follows the two-step training of ReActNet (Liu et al. 2020:
 * binary activations with real weights first, then both binary) and the staged schedule of
 * Martinez et al. 2020 (Training binary neural networks with real-to-binary convolutions).
 *
 * The stage is a function of the global step alone (`weightsBinarizedAt`), so one fraction serves
 * every budget and a run resumed from a checkpoint continues in the stage it left.
 *
 * Arguments:
 *   activationsOnlyFraction: share of the run's total steps (all epochs, whatever `maxSteps`
 *     says) trained with float weights, in [0, 1]: 0 is the plain recipe (weights binarized
 *     from the first step), 1 never binarizes the weights during training (evaluation and
 *     export still quantize them).
 */
export interface StagedBinarization {
  activationsOnlyFraction: number;
}

/** Checks the option, naming the field; returns it unchanged. */
export function resolveStaged(staged: StagedBinarization): StagedBinarization {
  const f = staged?.activationsOnlyFraction;
  if (!(typeof f === 'number' && f >= 0 && f <= 1)) {
    throw new TrainError(
      'options',
      `stagedBinarization.activationsOnlyFraction must be a number in [0, 1], got ${f}`,
    );
  }
  return staged;
}

/**
 * Whether global step `step` (0-based, counted over all epochs) of a run of `total` steps trains
 * with binarized weights: the first round(fraction * total) steps do not.
 */
export function weightsBinarizedAt(
  step: number,
  total: number,
  staged: StagedBinarization | undefined,
): boolean {
  if (!staged) return true;
  return step >= Math.round(staged.activationsOnlyFraction * total);
}
