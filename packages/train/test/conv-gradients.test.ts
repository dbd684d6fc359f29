import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, useDevice } from '../src/index.js';
import { tfPads } from '../src/ops/window.js';

// Our conv gradients (forward convs, for TF.js wasm/cpu) against TF.js's own Conv2DBackprop*
// kernels on the cpu backend, on the window shapes the zoo uses.
beforeAll(async () => {
  await useDevice('cpu');
});

const CASES = [
  { name: '3x3 stride 1 pad 1', k: 3, s: 1, pads: [1, 1, 1, 1], h: 9, cin: 5, cout: 7 },
  {
    name: '3x3 stride 2 TF same (pad bottom/right)',
    k: 3,
    s: 2,
    pads: [0, 0, 1, 1],
    h: 8,
    cin: 4,
    cout: 6,
  },
  { name: '3x3 stride 2 pad 1, odd input', k: 3, s: 2, pads: [1, 1, 1, 1], h: 9, cin: 3, cout: 5 },
  {
    name: '1x1 stride 2 pad 0 (ResNet downsample)',
    k: 1,
    s: 2,
    pads: [0, 0, 0, 0],
    h: 8,
    cin: 6,
    cout: 4,
  },
  { name: '7x7 stride 2 pad 3', k: 7, s: 2, pads: [3, 3, 3, 3], h: 11, cin: 2, cout: 3 },
] as const;

const maxRelative = (a: tf.Tensor, b: tf.Tensor) => {
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
};

describe('conv2d gradients written as forward convs', () => {
  for (const c of CASES) {
    for (const depthwise of [false, true]) {
      if (depthwise && c.cin !== c.cout && c.k === 1) continue;
      it(`${c.name}${depthwise ? ', depthwise' : ''}`, () => {
        const [pt, pl, pb, pr] = c.pads;
        const x = tf.randomNormal([2, c.h, c.h, c.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
        const w = tf.randomNormal(
          depthwise ? [c.k, c.k, c.cin, 1] : [c.k, c.k, c.cin, c.cout],
          0,
          1,
          'float32',
          2,
        ) as tf.Tensor4D;
        const win = {
          strides: [c.s, c.s] as [number, number],
          pads: [pt, pl, pb, pr] as [number, number, number, number],
        };
        const ours = tf.grads((a, f) =>
          tf.sum(tf.square(conv2d(a as tf.Tensor4D, f as tf.Tensor4D, win, depthwise))),
        )([x, w]);
        const stock = tf.grads((a, f) => {
          const pads = tfPads(pt, pb, pl, pr);
          const y = depthwise
            ? tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.s, pads)
            : tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, c.s, pads);
          return tf.sum(tf.square(y));
        })([x, w]);
        expect(maxRelative(ours[0], stock[0])).toBeLessThan(1e-5);
        expect(maxRelative(ours[1], stock[1])).toBeLessThan(1e-5);
      });
    }
  }
});
