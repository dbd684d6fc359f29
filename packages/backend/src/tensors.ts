import { storageByteLength, type TensorInfo } from '@pabnn/ir';
import type { Backend, BackendTensor } from './types.js';

/** Bytes a tensor of this dtype and concrete shape occupies. */
export function byteLengthOf(info: TensorInfo): number {
  return storageByteLength(info.dtype, info.shape);
}

/** Allocates a fresh buffer on `backend` and returns an (zero) tensor of `info` in it. */
export function allocTensor(backend: Backend, info: TensorInfo): BackendTensor {
  return { dtype: info.dtype, shape: [...info.shape], buffer: backend.alloc(byteLengthOf(info)) };
}
