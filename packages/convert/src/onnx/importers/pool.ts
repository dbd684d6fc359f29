import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { as2d, from2d } from '../one-d.js';
import { onnxWindow } from '../window.js';

/** MaxPool and AveragePool over 2-D windows, dilated or not; 1-D ones as 2-D of height 1. */
export const pool = defineImporter({
  ops: ['MaxPool', 'AveragePool'],
  run(n, c) {
    if (n.r === 3 && n.at.ints('kernel_shape', []).length === 1)
      return from2d(c, pool2d(as2d(n, c), c), n.out);
    return pool2d(n, c);
  },
});

function pool2d(n: OnnxNode, c: ImportContext): string {
  const { at } = n;
  const kernel = at.ints('kernel_shape', []);
  if (kernel.length !== 2 || n.r !== 4)
    n.refuse(`only 2-D pooling is supported, got kernel_shape [${kernel.join(', ')}]`);
  const dilations = at.ints('dilations', [1, 1]);
  // the attribute exists for MaxPool from opset 10 and for AveragePool from opset 19
  const since = n.node.opType === 'MaxPool' ? 10 : 19;
  if (at.has('dilations') && c.opset < since)
    n.refuse(`dilations is not an attribute of ${n.node.opType} before opset ${since}`);
  const win = onnxWindow(n, c, kernel, dilations);
  const isMax = n.node.opType === 'MaxPool';
  const countIncludePad = !isMax && at.int('count_include_pad', 0) === 1;
  // ONNX does not count the taps past the given pads that ceil_mode adds
  if (win.ceilPadded && countIncludePad)
    n.refuse('ceil_mode with count_include_pad 1 and a last window past the pads is not supported');
  const attrs: Record<string, number[] | string | boolean> = {
    kernelShape: win.kernel,
    strides: win.strides,
    padding: win.padding,
    pads: win.pads,
    dilations,
  };
  if (!isMax) attrs.countIncludePad = countIncludePad;
  return c.g.node(isMax ? 'MaxPool' : 'AvgPool', [n.x], attrs, n.out);
}
