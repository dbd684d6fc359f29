import { defineExporter } from '../export-context.js';

export const sigmoid = defineExporter({
  ops: ['Sigmoid'],
  run: ({ xin, out }, c) => {
    c.add('Sigmoid', [xin], [out]);
  },
});
