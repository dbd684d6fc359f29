// Every micro-kernel of the tiled PAConv2D is reached by a case of the shared conformance suite,
// so conformance.test.ts checks each one against the float64 reference (a new micro-kernel
// without a case fails here), and the tail cutoffs land where asm/pa-short-tail.ts says.
import { PA_CASES } from '@pabnn/backend/conformance';
import { expect, it } from 'vitest';
import {
  kernelFor,
  MICRO_KERNELS,
  microKernelFor,
  paConvPathFor,
  rowWordsFor,
  tailBitsFor,
} from '../src/kernel-choice.js';

it('the conformance cases reach every micro-kernel', () => {
  const reached = new Set<string>();
  for (const c of PA_CASES) {
    const groups = (c.attrs?.groups as number | undefined) ?? 1;
    const cinG = c.cin / groups;
    if (kernelFor(groups, cinG, c.kernel, c.kernel) !== 'tiled') continue;
    const rowWords = rowWordsFor(cinG, c.kernel, c.kernel);
    reached.add(microKernelFor(rowWords, tailBitsFor(cinG, c.kernel, c.kernel)));
  }
  expect([...reached].sort()).toEqual(Object.keys(MICRO_KERNELS).sort());
});

it("ResNet-8's layers take the tail micro-kernels where their rows end mid-word", () => {
  const choice = (cin: number, k: number) =>
    microKernelFor(rowWordsFor(cin, k, k), tailBitsFor(cin, k, k));
  expect(tailBitsFor(16, 3, 3)).toBe(16); // 144 bits: 2 words and 16
  expect(choice(16, 3)).toBe('shortTail16');
  expect(tailBitsFor(32, 3, 3)).toBe(32); // 288 bits: 4 words and 32
  expect(choice(32, 3)).toBe('shortTail32');
  expect(choice(64, 3)).toBe('short'); // 9 whole words
  expect(choice(16, 1)).toBe('oneWordTail16');
  expect(choice(32, 1)).toBe('oneWord');
  expect(choice(256, 3)).toBe('hybrid'); // 36 words
});

it('PAConv2D takes the dequantized path where M x N passes cost more than the float conv', () => {
  // ResNet-8's 3x3 layers (16, 32, 64 channels) and 1x1 downsampling, as measured
  // (kernel-choice.ts PA_PATH_NS): 2x2 stays binary, 4x5 is float everywhere, 3x3 splits
  const path = (m: number, n: number, cin: number, k: number) => paConvPathFor(1, m, n, cin, k, k);
  expect([16, 32, 64].map((c) => path(2, 2, c, 3))).toEqual(['binary', 'binary', 'binary']);
  expect([16, 32, 64].map((c) => path(4, 5, c, 3))).toEqual([
    'dequantized',
    'dequantized',
    'dequantized',
  ]);
  expect([16, 32, 64].map((c) => path(3, 3, c, 3))).toEqual([
    'dequantized',
    'dequantized',
    'binary',
  ]);
  expect(path(3, 3, 16, 1)).toBe('dequantized');
  expect(path(1, 1, 16, 1)).toBe('binary');
  // the scalar build has no vector float conv; grouped convs were not weighed
  expect(paConvPathFor(1, 4, 5, 16, 3, 3, false)).toBe('binary');
  expect(paConvPathFor(4, 4, 5, 16, 3, 3)).toBe('binary');
});
