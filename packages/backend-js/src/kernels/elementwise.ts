import { batchNormInputs, foldBatchNorm } from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { defineKernel } from '../kernel.js';

/** Applies f to every element (x and y have the same size). */
function map(x: Tensor, y: Tensor, f: (v: number, i: number) => number): void {
  const xs = x.data;
  const ys = y.data;
  for (let i = 0; i < ys.length; i++) ys[i] = f(xs[i], i);
}

export const relu = defineKernel({
  op: 'Relu',
  run: (_s, _n, [x], [y]) => map(x!, y, (v) => (Number.isNaN(v) || v > 0 ? v : 0)), // keeps NaN
});

export const prelu = defineKernel({
  op: 'PRelu',
  run(_s, _n, [x, slope], [y]) {
    const c = x!.shape[x!.shape.length - 1];
    const s = slope!.data;
    const shared = s.length === 1;
    map(x!, y, (v, i) => (v >= 0 ? v : v * s[shared ? 0 : i % c]));
  },
});

export const clip = defineKernel({
  op: 'Clip',
  run(_s, node, [x], [y]) {
    const lo = node.attrs.min as number;
    const hi = node.attrs.max as number;
    map(x!, y, (v) => (v < lo ? lo : Math.min(v, hi)));
  },
});

export const batchNorm = defineKernel({
  op: 'BatchNorm',
  run(_s, node, inputs, [y]) {
    const x = inputs[0];
    const c = x!.shape[x!.shape.length - 1];
    const { scale, shift } = foldBatchNorm(
      batchNormInputs(inputs),
      node.attrs.epsilon as number,
      'float64',
    );
    map(x!, y, (v, i) => v * scale[i % c] + shift[i % c]);
  },
});

/** a + b with numpy broadcasting (b's trailing dims align with a's). */
export const add = defineKernel({
  op: 'Add',
  run(_s, _n, [a, b], [y]) {
    const shape = y.shape;
    const index = (t: Tensor) => {
      // strides of t broadcast to y's shape (0 where t has size 1 or lacks the dim)
      const strides = new Array<number>(shape.length).fill(0);
      let s = 1;
      for (let i = t.shape.length - 1, j = shape.length - 1; i >= 0; i--, j--) {
        strides[j] = t.shape[i] === 1 ? 0 : s;
        s *= t.shape[i];
      }
      return strides;
    };
    const sa = index(a!);
    const sb = index(b!);
    const ad = a!.data;
    const bd = b!.data;
    const counter = new Array<number>(shape.length).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < y.data.length; i++) {
      y.data[i] = ad[ia] + bd[ib];
      for (let d = shape.length - 1; d >= 0; d--) {
        counter[d]++;
        ia += sa[d];
        ib += sb[d];
        if (counter[d] < shape[d]) break;
        ia -= sa[d] * shape[d];
        ib -= sb[d] * shape[d];
        counter[d] = 0;
      }
    }
  },
});
