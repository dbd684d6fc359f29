import { PabnnError } from '@pabnn/ir';

/** Bad input to a quantizer: non-finite values, empty tensors, impossible base counts. */
export class QuantizerError extends PabnnError {}

/** Largest number of bases a quantizer accepts; more is almost surely a mistake. */
export const MAX_BASES = 16;

export function checkBases(bases: number, what = 'bases'): void {
  if (!Number.isInteger(bases) || bases < 1 || bases > MAX_BASES) {
    throw new QuantizerError(
      'bases',
      `${what} must be an integer from 1 to ${MAX_BASES}, got ${bases}`,
    );
  }
}

/** Throws on NaN/Infinity, naming the first bad index: quantizing them would be silent garbage. */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new QuantizerError('empty', `${what} is empty`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new QuantizerError('non-finite', `${what} contains ${values[i]} at index ${i}`);
    }
  }
}
