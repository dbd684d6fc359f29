import { defineExporter, int } from '../export-context.js';

/** GlobalAveragePool, flattened to [N, C] unless keepDims. */
export const globalAvgPool = defineExporter({
  ops: ['GlobalAvgPool'],
  run({ node, attrs, xin, out }, c) {
    if (attrs.keepDims) c.add('GlobalAveragePool', [xin], [out]);
    else
      c.add(
        'Flatten',
        [c.add('GlobalAveragePool', [xin], [c.fresh(`${node.name}/gap`)])],
        [out],
        [int('axis', 1)],
      );
  },
});
