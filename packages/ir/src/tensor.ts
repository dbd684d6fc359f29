import { type DType, packedWords, storageElementBytes, type TensorData } from './dtype.js';
import { PabnnError } from './errors.js';

/** A dimension is a non-negative integer, or -1 for "unknown until run time" (e.g. batch). */
export type Shape = readonly number[];

export interface TensorInfo {
  dtype: DType;
  shape: Shape;
}

/** A tensor with host data. For `bits`, `shape` is the logical shape (unpacked channel count). */
export interface Tensor extends TensorInfo {
  data: TensorData;
}

export function numElements(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements of the logical shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Number of storage elements (typed-array length) a tensor of this dtype and shape needs.
 * For `bits` the last dimension is packed into 32-bit words; a scalar holds one word.
 */
export function storageLength(dtype: DType, shape: Shape): number {
  if (dtype !== 'bits') return numElements(shape);
  if (shape.length === 0) return 1;
  return numElements(shape.slice(0, -1)) * packedWords(shape[shape.length - 1]);
}

export function storageByteLength(dtype: DType, shape: Shape): number {
  return storageLength(dtype, shape) * storageElementBytes(dtype);
}

/** Allocates zeroed storage for a tensor. */
export function allocate(dtype: DType, length: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint8':
      return new Uint8Array(length);
    case 'bits':
      return new Uint32Array(length);
  }
}

/** Views raw little-endian bytes as storage of `dtype`, copying (so alignment never matters). */
export function dataFromBytes(dtype: DType, bytes: Uint8Array): TensorData {
  // new Uint8Array(view) copies; bytes.slice() would not for a Node Buffer (its slice is a view)
  const copy = new Uint8Array(bytes);
  switch (dtype) {
    case 'float32':
      return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    case 'int32':
      return new Int32Array(copy.buffer, 0, copy.byteLength / 4);
    case 'uint8':
      return copy;
    case 'bits':
      return new Uint32Array(copy.buffer, 0, copy.byteLength / 4);
  }
}

export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function isValidShape(shape: Shape): boolean {
  return shape.every((d) => Number.isInteger(d) && d >= 0);
}

/**
 * Makes a tensor, checking that the data's type and length fit the dtype and shape.
 * Plain number arrays are converted.
 */
export function tensor(dtype: DType, shape: Shape, data?: TensorData | ArrayLike<number>): Tensor {
  if (!isValidShape(shape)) {
    throw new PabnnError('tensor', `invalid tensor shape [${shape.join(', ')}]`);
  }
  const length = storageLength(dtype, shape);
  const storage = allocate(dtype, length);
  if (data !== undefined) {
    if (data.length !== length) {
      throw new PabnnError(
        'tensor',
        `${dtype} tensor of shape [${shape.join(', ')}] needs ${length} storage elements, got ${data.length}`,
      );
    }
    if (data instanceof storage.constructor) {
      return { dtype, shape: [...shape], data: data as TensorData };
    }
    storage.set(data as ArrayLike<number>);
  }
  return { dtype, shape: [...shape], data: storage };
}

export function float32(shape: Shape, data?: ArrayLike<number>): Tensor {
  return tensor('float32', shape, data);
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}
