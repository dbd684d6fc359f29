import { defineImporter } from '../import-context.js';

export const globalAveragePool = defineImporter({
  ops: ['GlobalAveragePool'],
  run: (n, c) => c.g.globalAvgPool(n.x, { keepDims: true, name: n.out }),
});
