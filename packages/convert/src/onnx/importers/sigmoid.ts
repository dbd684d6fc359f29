import { defineImporter } from '../import-context.js';

export const sigmoid = defineImporter({
  ops: ['Sigmoid'],
  run: (n, c) => c.g.node('Sigmoid', [n.x], {}, n.out),
});
