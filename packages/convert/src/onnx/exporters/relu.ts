import { defineExporter } from '../export-context.js';

export const relu = defineExporter({
  ops: ['Relu'],
  run({ xin, out }, c) {
    c.add('Relu', [xin], [out]);
  },
});
