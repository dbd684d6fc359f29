import { describe, expect, it } from 'vitest';
import {
  PabnnError,
  packedWords,
  permute,
  storageByteLength,
  storageLength,
  stridesOf,
  tensor,
} from '../src/index.js';

describe('tensors', () => {
  it('packs bits along the last dim in 32-bit words, padded', () => {
    expect(packedWords(1)).toBe(1);
    expect(packedWords(32)).toBe(1);
    expect(packedWords(33)).toBe(2);
    expect(storageLength('bits', [2, 3, 3, 65])).toBe(2 * 3 * 3 * 3);
    expect(storageByteLength('bits', [1, 31])).toBe(4);
    expect(storageByteLength('uint8', [3, 5])).toBe(15);
    expect(storageLength('float32', [])).toBe(1);
  });

  it('computes row-major strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('checks data length and shape', () => {
    expect(() => tensor('float32', [2, 2], [1, 2, 3])).toThrow(/needs 4 storage elements, got 3/);
    expect(() => tensor('float32', [2, -1])).toThrow(PabnnError);
    const t = tensor('int32', [3], [1, 2, 3]);
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
  });
});

describe('permute', () => {
  it('transposes like numpy: OHWI -> HWIO and back, and 2-D', () => {
    const shape = [2, 3, 1, 4]; // O, H, W, I
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    const hwio = permute(data, shape, [1, 2, 3, 0]);
    // element (o=1, h=2, w=0, i=3) sits at hwio[((2 * 1 + 0) * 4 + 3) * 2 + 1]
    expect(hwio[((2 * 1 + 0) * 4 + 3) * 2 + 1]).toBe(((1 * 3 + 2) * 1 + 0) * 4 + 3);
    expect(permute(hwio, [3, 1, 4, 2], [3, 0, 1, 2])).toEqual(data);
    expect(Array.from(permute(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0]))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
  });
  it('rejects a permutation of the wrong rank', () => {
    expect(() => permute(new Float32Array(4), [2, 2], [0])).toThrow(/does not fit rank 2/);
  });
});
