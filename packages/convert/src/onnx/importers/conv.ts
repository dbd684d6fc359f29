import { permute, tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';
import { onnxWindow } from '../window.js';

/** Conv (2-D, grouped or not): OIHW weights become OHWI. */
export const conv = defineImporter({
  ops: ['Conv'],
  run(n, c) {
    const { at, ins } = n;
    const w = c.floatConst(ins[1], `${n.where} weight`);
    if (w.dims.length !== 4) n.refuse('only 2-D convolutions are supported');
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
  },
});
