import { expect, it } from 'vitest';
import { inputPixelsOf } from '../src/input-rows.js';

// 3x3 stride 1 pad 1 on 2 images of 6x5 (outH 6): every window row an output row reads
const same = { outH: 6, inH: 6, inW: 5, sh: 1, padTop: 1, kh: 3, dh: 1 };

it('covers the input rows of the first and last windows, clipped to the image', () => {
  expect(inputPixelsOf(0, 3, same)).toEqual([0, 4 * 5]); // rows 0-2 read input rows 0-3
  expect(inputPixelsOf(3, 6, same)).toEqual([2 * 5, 6 * 5]); // rows 3-5 read 2-5
});

it('spans images when the rows do', () => {
  // output rows 4..7 = image 0 rows 4, 5 and image 1 rows 0, 1: input rows 3.. of image 0 to
  // row 2 of image 1
  expect(inputPixelsOf(4, 8, same)).toEqual([3 * 5, (6 + 3) * 5]);
  expect(inputPixelsOf(0, 12, same)).toEqual([0, 12 * 5]);
});

it('follows stride and dilation, and gives nothing for no rows', () => {
  const strided = { outH: 3, inH: 6, inW: 5, sh: 2, padTop: 0, kh: 3, dh: 2 };
  // output row 1 starts at input row 2 and its taps reach 2 + 2 * 2 = 6, clipped to 6
  expect(inputPixelsOf(1, 2, strided)).toEqual([2 * 5, 6 * 5]);
  expect(inputPixelsOf(0, 1, strided)).toEqual([0, 5 * 5]);
  expect(inputPixelsOf(2, 2, strided)).toEqual([0, 0]);
});
