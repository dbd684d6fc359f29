import { TrainError } from '../errors.js';

export type ScheduleName = 'cosine' | 'step' | 'constant';

/**
 * Learning rate at `step` of `total`: cosine decay to zero, step decay (x0.1 at 50 % and
 * 75 %), or constant; with linear warm-up over the first `warmup` steps.
 */
export function learningRateAt(
  schedule: ScheduleName,
  base: number,
  step: number,
  total: number,
  warmup = 0,
): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const p = total > warmup ? (step - warmup) / (total - warmup) : 1;
  switch (schedule) {
    case 'cosine':
      return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)));
    case 'step':
      return base * (p < 0.5 ? 1 : p < 0.75 ? 0.1 : 0.01);
    case 'constant':
      return base;
    default:
      throw new TrainError(
        'options',
        `unknown schedule '${schedule}' (use cosine, step or constant)`,
      );
  }
}
