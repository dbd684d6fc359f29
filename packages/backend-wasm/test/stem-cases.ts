// Float conv cases for the wasm backend's tap-run kernel (asm/conv-tap-rows.ts: one group, at
// most 4 inputs, a multiple of 8 outputs above 16, dilation 1 along the width), passed to the
// shared conformance suite as extra cases: 4-pixel tiles with a remainder pixel, edge pixels
// on both sides, row dilation, bias, batch 2, and an input narrower than the kernel.
import type { OpCase } from '@pabnn/backend/conformance';
import { type Attrs, tensor } from '@pabnn/ir';

/** Uniform values in [-1, 1) from a fixed seed (a linear congruential generator). */
function randomTensor(shape: number[], seed: number) {
  let s = seed >>> 0;
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
  return tensor('float32', shape, data);
}

function conv(title: string, shapes: number[][], attrs: Attrs): OpCase {
  return {
    title,
    op: 'Conv2D',
    inputs: shapes.map((s, i) => randomTensor(s, 77 + i)),
    constant: shapes.map((_, i) => i >= 1),
    attrs,
  };
}

export const STEM_CASES: OpCase[] = [
  conv('7x7 stride 2 pad 3, 3 -> 24, bias, batch 2', [[2, 19, 25, 3], [24, 7, 7, 3], [24]], {
    strides: [2, 2],
    pads: [3, 3, 3, 3],
  }),
  conv(
    '3x3 dilation [2, 1] pad [2, 1], 4 -> 32',
    [
      [1, 9, 10, 4],
      [32, 3, 3, 4],
    ],
    {
      dilations: [2, 1],
      pads: [2, 1, 2, 1],
    },
  ),
  conv(
    '7x7 pad 3 on a 6x5 input, 2 -> 24',
    [
      [1, 6, 5, 2],
      [24, 7, 7, 2],
    ],
    { pads: [3, 3, 3, 3] },
  ),
];
