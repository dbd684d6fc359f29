import { defineExporter, int, ints } from '../export-context.js';

/**
 * GlobalAveragePool, or ReduceMean over H and W without kept dims (what importOnnx reads back
 * as one GlobalAvgPool [N, C]).
 */
export const globalAvgPool = defineExporter({
  ops: ['GlobalAvgPool'],
  run({ attrs, xin, out }, c) {
    if (attrs.keepDims) c.add('GlobalAveragePool', [xin], [out]);
    else c.add('ReduceMean', [xin], [out], [ints('axes', [2, 3]), int('keepdims', 0)]);
  },
});
