import { defineExporter, int } from '../export-context.js';

/** Dense as Gemm with transB. */
export const dense = defineExporter({
  ops: ['Dense'],
  run({ node, xin, out }, c) {
    const w = c.constant(node.inputs[1])!;
    const inputs = [xin, c.initFloat(`${node.name}/weight`, [...w.shape], w.data)];
    if (node.inputs[2])
      inputs.push(c.initFloat(`${node.name}/bias`, [w.shape[0]], c.constant(node.inputs[2])!.data));
    c.add('Gemm', inputs, [out], [int('transB', 1)]);
  },
});
