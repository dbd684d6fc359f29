import { defineImporter } from '../import-context.js';

export const tanh = defineImporter({
  ops: ['Tanh'],
  run: (n, c) => c.g.node('Tanh', [n.x], {}, n.out),
});
