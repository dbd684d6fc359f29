import { defineKernel } from '../kernel.js';

/** 1 / (1 + exp(-x)), written so that neither exp overflows: exp of a non-positive number. */
export const sigmoid = defineKernel({
  op: 'Sigmoid',
  run(_s, _n, [x], [y]) {
    const xs = x!.data;
    const ys = y.data;
    for (let i = 0; i < ys.length; i++) {
      const v = xs[i];
      if (v >= 0) ys[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        ys[i] = e / (1 + e);
      }
    }
  },
});
