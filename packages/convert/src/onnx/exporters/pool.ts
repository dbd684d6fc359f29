import { ConvertError } from '../../errors.js';
import { defineExporter, int, ints } from '../export-context.js';

export const pool = defineExporter({
  ops: ['MaxPool', 'AvgPool'],
  run({ node, attrs, xin, xInfo, out }, c) {
    const kernel = attrs.kernelShape as number[];
    // attrs are resolved (defaults applied): dilations is always there
    const dilations = (attrs.dilations as number[] | undefined) ?? [1, 1];
    const a = [
      ints('kernel_shape', kernel),
      ints('strides', attrs.strides as number[]),
      ints('pads', c.windowPads(xInfo!, kernel, attrs, dilations)),
    ];
    if (dilations.some((d) => d !== 1)) {
      // opset 13's AveragePool has no dilations (they came with opset 19)
      if (node.op === 'AvgPool')
        throw new ConvertError(
          'onnx-export',
          `node '${node.name}' (AvgPool): dilations need AveragePool of opset 19, the exporter writes opset 13`,
        );
      a.push(ints('dilations', dilations));
    }
    if (node.op === 'AvgPool') a.push(int('count_include_pad', attrs.countIncludePad ? 1 : 0));
    c.add(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [xin], [out], a);
  },
});
