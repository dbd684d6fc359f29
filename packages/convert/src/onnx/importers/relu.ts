import { defineImporter } from '../import-context.js';

export const relu = defineImporter({
  ops: ['Relu'],
  run: (n, c) => c.g.relu(n.x, n.out),
});
