import { QuantizerError } from './errors.js';
import { evaluate, type Staircase } from './staircase.js';

/** ||w - q||^2 / ||w||^2 (0 when both are all zero). */
export function relativeSquaredError(
  original: ArrayLike<number>,
  quantized: ArrayLike<number>,
): number {
  if (original.length !== quantized.length) {
    throw new QuantizerError('shape', `lengths differ: ${original.length} vs ${quantized.length}`);
  }
  let err = 0;
  let norm = 0;
  for (let i = 0; i < original.length; i++) {
    err += (original[i] - quantized[i]) ** 2;
    norm += original[i] ** 2;
  }
  if (norm === 0) return err === 0 ? 0 : Number.POSITIVE_INFINITY;
  return err / norm;
}

/** Relative squared error of a staircase on the values it approximates. */
export function staircaseError(values: ArrayLike<number>, s: Staircase): number {
  return relativeSquaredError(
    values,
    Array.from(values, (x) => evaluate(s, x)),
  );
}

/** Mean of per-layer errors, the number reports quote as "mean relative error". */
export function meanError(errors: readonly number[]): number {
  return errors.reduce((a, b) => a + b, 0) / errors.length;
}
