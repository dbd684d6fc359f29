import { defineImporter } from '../import-context.js';

/** MaxPool and AveragePool over 2-D windows. */
export const pool = defineImporter({
  ops: ['MaxPool', 'AveragePool'],
  run(n, c) {
    const { at } = n;
    if (at.int('ceil_mode', 0)) n.refuse('ceil_mode is not supported');
    const kernel = at.ints('kernel_shape', []);
    if (kernel.length !== 2 || n.r !== 4)
      n.refuse(`only 2-D pooling is supported, got kernel_shape [${kernel.join(', ')}]`);
    const dilations = at.ints('dilations', [1, 1]);
    if (dilations.some((d) => d !== 1))
      n.refuse(`dilations [${dilations.join(', ')}] are not supported (only 1)`);
    const win = n.window(kernel);
    const attrs: Record<string, number[] | string | boolean> = {
      kernelShape: win.kernel,
      strides: win.strides,
      padding: win.padding,
      pads: win.pads,
    };
    const isMax = n.node.opType === 'MaxPool';
    if (!isMax) attrs.countIncludePad = at.int('count_include_pad', 0) === 1;
    return c.g.node(isMax ? 'MaxPool' : 'AvgPool', [n.x], attrs, n.out);
  },
});
