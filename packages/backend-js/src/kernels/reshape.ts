import { defineKernel } from '../kernel.js';

// Row-major data does not move when only the shape changes.
export const flatten = defineKernel({
  op: 'Flatten',
  run: (_s, _n, [x], [y]) => y.data.set(x!.data),
});
export const reshape = defineKernel({
  op: 'Reshape',
  run: (_s, _n, [x], [y]) => y.data.set(x!.data),
});
