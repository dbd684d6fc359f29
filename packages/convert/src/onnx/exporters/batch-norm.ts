import { defineExporter, float } from '../export-context.js';

export const batchNorm = defineExporter({
  ops: ['BatchNorm'],
  run({ node, attrs, xin, out }, c) {
    c.add(
      'BatchNormalization',
      [
        xin,
        ...node.inputs
          .slice(1)
          .map((v) => c.initFloat(v, [c.constant(v)!.data.length], c.constant(v)!.data)),
      ],
      [out],
      [float('epsilon', attrs.epsilon as number)],
    );
  },
});
