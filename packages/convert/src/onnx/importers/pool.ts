import { defineImporter } from '../import-context.js';
import { onnxWindow } from '../window.js';

/** MaxPool and AveragePool over 2-D windows. */
export const pool = defineImporter({
  ops: ['MaxPool', 'AveragePool'],
  run(n, c) {
    const { at } = n;
    const kernel = at.ints('kernel_shape', []);
    if (kernel.length !== 2 || n.r !== 4)
      n.refuse(`only 2-D pooling is supported, got kernel_shape [${kernel.join(', ')}]`);
    const dilations = at.ints('dilations', [1, 1]);
    if (dilations.some((d) => d !== 1))
      n.refuse(`dilations [${dilations.join(', ')}] are not supported (only 1)`);
    const win = onnxWindow(n, c, kernel);
    const isMax = n.node.opType === 'MaxPool';
    const countIncludePad = !isMax && at.int('count_include_pad', 0) === 1;
    // ONNX does not count the taps past the given pads that ceil_mode adds
    if (win.ceilPadded && countIncludePad)
      n.refuse(
        'ceil_mode with count_include_pad 1 and a last window past the pads is not supported',
      );
    const attrs: Record<string, number[] | string | boolean> = {
      kernelShape: win.kernel,
      strides: win.strides,
      padding: win.padding,
      pads: win.pads,
    };
    if (!isMax) attrs.countIncludePad = countIncludePad;
    return c.g.node(isMax ? 'MaxPool' : 'AvgPool', [n.x], attrs, n.out);
  },
});
