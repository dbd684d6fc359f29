/**
 * Element types. `bits` is the packed binary layout shared by every backend and the file
 * format (docs/DESIGN.md, "Bit layout"): the LAST dimension (channels, NHWC) is packed into
 * 32-bit words, bit i of word w holds channel 32*w + i, bit value 1 encodes -1 and 0 encodes +1.
 * Channels are padded up to a multiple of 32; padding bits are 0 and must never change a result.
 */
export type DType = 'float32' | 'int32' | 'uint8' | 'bits';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'uint8', 'bits'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** Typed array that stores each dtype (`bits` is stored as 32-bit words). */
export type TensorData = Float32Array | Int32Array | Uint8Array | Uint32Array;

export const BITS_PER_WORD = 32;

/** Number of 32-bit words that hold `channels` packed bits. */
export function packedWords(channels: number): number {
  return Math.ceil(channels / BITS_PER_WORD);
}

/** Bytes of one storage element: a float, an int, a byte, or one 32-bit word of bits. */
export function storageElementBytes(dtype: DType): number {
  return dtype === 'uint8' ? 1 : 4;
}
