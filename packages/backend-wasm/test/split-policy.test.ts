// When the wasm backend hands parts of a call to its workers (split-policy.ts).
import { expect, it } from 'vitest';
import { MIN_NS_PER_PART, partsFor, splitByBlocks } from '../src/split-policy.js';

const pool = (threads: number, minPartNs = MIN_NS_PER_PART) => ({ threads, minPartNs });

it('keeps small work on the calling thread and splits large work over every thread', () => {
  expect(partsFor(MIN_NS_PER_PART - 1, 100, pool(2))).toBe(1);
  expect(partsFor(2 * MIN_NS_PER_PART, 100, pool(2))).toBe(2);
  expect(partsFor(3 * MIN_NS_PER_PART, 100, pool(4))).toBe(3);
  expect(partsFor(1e9, 100, pool(4))).toBe(4);
});

it('never makes more parts than items, and one without a pool', () => {
  expect(partsFor(1e9, 3, pool(4))).toBe(3);
  expect(partsFor(1e9, 100)).toBe(1);
});

it('splits every call when the threshold is 0', () => {
  expect(partsFor(1, 100, pool(3, 0))).toBe(3);
});

it('splits a tiled conv by channel blocks only where its rows split unevenly and blocks do not', () => {
  expect(splitByBlocks(7, 64, 2)).toBe(true); // ResNet-18's 7x7 layers: 4 + 3 rows, 32 + 32 blocks
  expect(splitByBlocks(14, 32, 2)).toBe(false); // 7 + 7 rows
  expect(splitByBlocks(7, 1, 2)).toBe(false); // one block: nothing to split
  expect(splitByBlocks(7, 64, 1)).toBe(false);
});
