import { describe, expect, it } from 'vitest';
import {
  PabnnError,
  packedWords,
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
