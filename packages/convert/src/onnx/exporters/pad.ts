import { ConvertError } from '../../errors.js';
import { defineExporter, string } from '../export-context.js';

/** Pad of H and W as ONNX Pad (opset 13: pads and constant_value inputs, mode attribute). */
export const pad = defineExporter({
  ops: ['Pad'],
  run({ node, attrs, xin, out }, c) {
    const [t, l, b, r] = attrs.pads as number[];
    const pads = c.initInt64(`${node.name}/pads`, [0, 0, t, l, 0, 0, b, r]);
    const mode = (attrs.mode as string | undefined) ?? 'constant';
    const value = (attrs.value as number | undefined) ?? 0;
    if (mode === 'wrap')
      throw new ConvertError(
        'onnx-export',
        `node '${node.name}' (Pad): mode 'wrap' needs opset 19, the exporter writes opset 13`,
      );
    if (mode === 'constant' && value === 0) c.add('Pad', [xin, pads], [out]);
    else if (mode === 'constant')
      c.add('Pad', [xin, pads, c.initFloat(`${node.name}/value`, [], [value])], [out]);
    else c.add('Pad', [xin, pads], [out], [string('mode', mode)]);
  },
});
