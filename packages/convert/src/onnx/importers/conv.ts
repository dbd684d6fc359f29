import { permute, tensor } from '@pabnn/ir';
import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { as2d, from2d } from '../one-d.js';
import { onnxWindow } from '../window.js';

/** Conv (2-D, grouped or not; 1-D as 2-D of height 1): OIHW weights become OHWI. */
export const conv = defineImporter({
  ops: ['Conv'],
  run(n, c) {
    const w = c.floatConst(n.ins[1], `${n.where} weight`);
    if (w.dims.length === 3 && n.r === 3) {
      // [O, I, L] weights are [O, I, 1, L]
      const [o, i, l] = w.dims;
      const name = `${n.ins[1]}__2d`;
      c.inits.set(name, { dims: [o, i, 1, l], values: w.values });
      const n2 = as2d(n, c);
      return from2d(c, conv2d({ ...n2, ins: [n2.ins[0], name, ...n2.ins.slice(2)] }, c), n.out);
    }
    if (w.dims.length !== 4)
      n.refuse(`only 1-D and 2-D convolutions are supported, got a ${w.dims.length}-D weight`);
    return conv2d(n, c);
  },
});

function conv2d(n: OnnxNode, c: ImportContext): string {
  const { at, ins } = n;
  const w = c.floatConst(ins[1], `${n.where} weight`);
  const groups = at.int('group', 1);
  const dilations = at.ints('dilations', [1, 1]);
  const win = onnxWindow(n, c, w.dims.slice(2), dilations);
  const attrs: Record<string, number | number[] | string> = {
    strides: win.strides,
    padding: win.padding,
    pads: win.pads,
    dilations,
  };
  if (groups !== 1) attrs.groups = groups;
  const weight = c.constant(
    ins[1],
    tensor(
      'float32',
      [w.dims[0], w.dims[2], w.dims[3], w.dims[1]],
      permute(w.values as Float32Array, w.dims, [0, 2, 3, 1]), // OIHW -> OHWI
    ),
  );
  const bias = ins[2]
    ? c.constant(
        ins[2],
        tensor(
          'float32',
          [w.dims[0]],
          c.floatConst(ins[2], `${n.where} bias`).values as Float32Array,
        ),
      )
    : undefined;
  return c.g.node('Conv2D', [n.x, weight, bias], attrs, n.out);
}
