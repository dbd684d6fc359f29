import { storageByteLength, type TensorInfo } from '@pabnn/ir';
import { BackendError } from './errors.js';
import type { Backend, BackendBuffer, BackendTensor } from './types.js';

/** Bytes a tensor of this dtype and concrete shape occupies. */
export function byteLengthOf(info: TensorInfo): number {
  return storageByteLength(info.dtype, info.shape);
}

/** Allocates a fresh buffer on `backend` and returns an (zero) tensor of `info` in it. */
export function allocTensor(backend: Backend, info: TensorInfo): BackendTensor {
  return { dtype: info.dtype, shape: [...info.shape], buffer: backend.alloc(byteLengthOf(info)) };
}

/**
 * Where an upload writes: the given buffer when it is large enough (an error says so when it
 * is not), else a new one of the tensor's size.
 */
export function uploadTarget<B extends BackendBuffer>(
  backend: Backend,
  t: TensorInfo,
  buffer?: BackendBuffer,
): { target: B; needed: number } {
  const needed = byteLengthOf(t);
  const target = (buffer ?? backend.alloc(needed)) as B;
  if (target.byteLength < needed) {
    throw new BackendError(
      'buffer',
      `buffer of ${target.byteLength} bytes is too small for ${needed}`,
    );
  }
  return { target, needed };
}
