import { defineExporter } from '../export-context.js';

export const clip = defineExporter({
  ops: ['Clip'],
  run({ attrs, xin, out }, c) {
    c.add(
      'Clip',
      [
        xin,
        c.initFloat('min', [], [attrs.min as number]),
        c.initFloat('max', [], [attrs.max as number]),
      ],
      [out],
    );
  },
});
