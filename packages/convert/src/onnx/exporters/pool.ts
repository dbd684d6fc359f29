import { defineExporter, int, ints } from '../export-context.js';

export const pool = defineExporter({
  ops: ['MaxPool', 'AvgPool'],
  run({ node, attrs, xin, xInfo, out }, c) {
    const kernel = attrs.kernelShape as number[];
    const a = [
      ints('kernel_shape', kernel),
      ints('strides', attrs.strides as number[]),
      ints('pads', c.windowPads(xInfo!, kernel, attrs)),
    ];
    if (node.op === 'AvgPool') a.push(int('count_include_pad', attrs.countIncludePad ? 1 : 0));
    c.add(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [xin], [out], a);
  },
});
