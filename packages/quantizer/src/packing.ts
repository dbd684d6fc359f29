import { BITS_PER_WORD, packedWords, type Shape, storageLength } from '@pabnn/ir';

// The shared bit layout (docs/DESIGN.md, Bit layout): the last dimension is packed into 32-bit
// words, bit i of word w holds element 32 w + i, bit 1 encodes -1, and padding bits past the
// last channel are 0.

function rowsAndChannels(shape: Shape): [number, number] {
  const channels = shape.length === 0 ? 1 : shape[shape.length - 1];
  const rows = shape.length === 0 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return [rows, channels];
}

/** Packs 0/1 flags (1 = -1) of logical `shape` into words. */
export function packBits(bits: ArrayLike<number>, shape: Shape): Uint32Array {
  const [rows, channels] = rowsAndChannels(shape);
  const words = packedWords(channels);
  const out = new Uint32Array(storageLength('bits', shape));
  for (let r = 0; r < rows; r++) {
    const src = r * channels;
    const dst = r * words;
    for (let c = 0; c < channels; c++) {
      if (bits[src + c]) out[dst + (c >>> 5)] |= 1 << (c & 31);
    }
  }
  return out;
}

/** Inverse of packBits: one 0/1 byte per logical element. */
export function unpackBits(words: Uint32Array, shape: Shape): Uint8Array {
  const [rows, channels] = rowsAndChannels(shape);
  const perRow = packedWords(channels);
  const out = new Uint8Array(rows * channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      out[r * channels + c] = (words[r * perRow + (c >>> 5)] >>> (c & 31)) & 1;
    }
  }
  return out;
}

/** Packs sign(x) (sign(0) = +1, so bit = x < 0). */
export function packSigns(values: ArrayLike<number>, shape: Shape): Uint32Array {
  const [rows, channels] = rowsAndChannels(shape);
  const flags = new Uint8Array(rows * channels);
  for (let i = 0; i < flags.length; i++) flags[i] = values[i] < 0 ? 1 : 0;
  return packBits(flags, shape);
}

/** +1 / -1 per element from packed words. */
export function unpackSigns(words: Uint32Array, shape: Shape): Float32Array {
  return Float32Array.from(unpackBits(words, shape), (b) => (b ? -1 : 1));
}

/**
 * Thermometer code of activations: bit-plane j is sign(x - t_j), so plane j has bit 1 where
 * NOT x >= t_j. `thresholds` is [N] for the layer or [C * N] per channel (row-major [C, N]).
 * Returns N packed planes, each of `shape` (NHWC, channels last). NaN is >= no threshold,
 * so it lands in the lowest piece (every bit 1), exactly as `pieceIndex` puts it.
 */
export function thermometerPlanes(
  x: ArrayLike<number>,
  shape: Shape,
  thresholds: ArrayLike<number>,
  bases: number,
): Uint32Array[] {
  const [rows, channels] = rowsAndChannels(shape);
  const perChannel = thresholds.length === channels * bases && thresholds.length !== bases;
  const perRow = packedWords(channels);
  const planes = Array.from({ length: bases }, () => new Uint32Array(rows * perRow));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const v = x[r * channels + c];
      const base = perChannel ? c * bases : 0;
      const word = r * perRow + (c >>> 5);
      const bit = 1 << (c & 31);
      for (let j = 0; j < bases; j++) {
        if (!(v >= thresholds[base + j])) planes[j][word] |= bit;
      }
    }
  }
  return planes;
}

export { BITS_PER_WORD };
