import { defineExporter } from '../export-context.js';

export const tanh = defineExporter({
  ops: ['Tanh'],
  run: ({ xin, out }, c) => {
    c.add('Tanh', [xin], [out]);
  },
});
