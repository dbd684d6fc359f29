import { TrainError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';

export interface ResumeExpectation {
  /** Every parameter the model has, with its number of values. */
  parameters: Map<string, number>;
  /** Binarized layers: their `<layer>/act_thresholds` and `<layer>/act_levels` must be saved. */
  binarized: readonly string[];
  epochs: number;
  batchesPerEpoch: number;
}

/**
 * Whether a checkpoint of this run (same fingerprint) fits the model and the run before it is
 * resumed: every parameter present with its size and finite, the staircases of binarized
 * layers present, the position (epoch, batch) inside the run, one history entry per finished
 * epoch and one optimizer step per batch done. A mismatch is a TrainError naming it: resuming
 * would otherwise start fresh weights silently or report an untrained model as done.
 */
export function checkResumable(path: string, saved: Checkpoint, run: ResumeExpectation): void {
  const fail = (message: string): never => {
    throw new TrainError('checkpoint', `${path} cannot be resumed: ${message}`);
  };
  const required = new Map(run.parameters);
  for (const layer of run.binarized) {
    for (const key of [`${layer}/act_thresholds`, `${layer}/act_levels`]) required.set(key, -1);
  }
  for (const layer of run.binarized) {
    const prefix = `${layer}/act_state/`;
    if (!Object.keys(saved.state).some((k) => k.startsWith(prefix)))
      fail(`the staircase state of binarized layer '${layer}' (${prefix}*) is missing`);
  }
  for (const [name, size] of required) {
    const data = saved.state[name];
    if (!data) fail(`parameter '${name}' is missing`);
    if (size >= 0 && data.length !== size)
      fail(`parameter '${name}' has ${data.length} values, the model needs ${size}`);
  }
  for (const [name, data] of Object.entries(saved.state)) {
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`parameter '${name}' holds ${data[bad]} at index ${bad}`);
  }
  const { epoch, batch } = saved;
  if (epoch > run.epochs || (epoch === run.epochs && batch !== 0) || batch >= run.batchesPerEpoch) {
    fail(
      `its position (epoch ${epoch}, batch ${batch}) is outside the run (${run.epochs} epochs of ${run.batchesPerEpoch} batches)`,
    );
  }
  if (saved.history.length !== epoch)
    fail(`it has ${saved.history.length} epochs of history at epoch ${epoch}`);
  const steps = epoch * run.batchesPerEpoch + batch;
  if (saved.optimizerStep !== steps)
    fail(`its optimizer took ${saved.optimizerStep} steps, the position says ${steps}`);
}
