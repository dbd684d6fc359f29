import { defineKernel } from '../kernel.js';

export const dense = defineKernel({
  op: 'Dense',
  run(_s, _n, [x, w, bias], [y]) {
    const [batch, inF] = x!.shape;
    const outF = w!.shape[0];
    for (let b = 0; b < batch; b++)
      for (let o = 0; o < outF; o++) {
        let acc = bias ? bias.data[o] : 0;
        for (let i = 0; i < inF; i++) acc += x!.data[b * inF + i] * w!.data[o * inF + i];
        y.data[b * outF + o] = acc;
      }
  },
});
