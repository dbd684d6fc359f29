// @pabnn/train (and TensorFlow.js under it, ~290 MB installed) is an optional peer of the
// published CLI: only `eval` and `allocate` need it, so it is loaded when they run, and its absence
// is named.
import { PabnnError } from '@pabnn/ir';

/** An optional package a command needs is not installed: exit code 1, with how to install it. */
export class MissingPackageError extends PabnnError {}

export type TrainModule = typeof import('@pabnn/train');

export async function loadTrain(): Promise<TrainModule> {
  try {
    return await import('@pabnn/train');
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /'@pabnn\/train'/.test(e.message ?? ''))
      throw new MissingPackageError(
        'missing-package',
        'this command needs @pabnn/train (with TensorFlow.js), an optional peer dependency of pabnn; install it with npm install @pabnn/train',
      );
    throw error;
  }
}
