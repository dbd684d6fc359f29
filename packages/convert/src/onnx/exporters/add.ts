import { defineExporter } from '../export-context.js';

/** Add; a constant channel vector against a 4-D map broadcasts as [1, C, 1, 1]. */
export const add = defineExporter({
  ops: ['Add'],
  run({ node, out }, c) {
    const operand = (v: string) => {
      const k = c.constant(v);
      if (!k) return c.onnxName(v);
      return c.is4d(node.outputs[0]) && k.shape.length === 1
        ? c.channelInit(v, k.data, true)
        : c.initFloat(v, [...k.shape], k.data);
    };
    c.add('Add', [operand(node.inputs[0]), operand(node.inputs[1])], [out]);
  },
});
