import { defineKernel } from '../kernel.js';

/** Math.tanh saturates to +-1 without overflow on either side. */
export const tanh = defineKernel({
  op: 'Tanh',
  run(_s, _n, [x], [y]) {
    const xs = x!.data;
    for (let i = 0; i < y.data.length; i++) y.data[i] = Math.tanh(xs[i]);
  },
});
