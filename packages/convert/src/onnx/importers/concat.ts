import { defineImporter } from '../import-context.js';
import { intValue, setIntValue } from '../shape-values.js';

export const concat = defineImporter({
  ops: ['Concat'],
  run(n, c) {
    const parts = n.ins.map((v) => intValue(c, v));
    if (parts.every((p) => p && p.dims.length === 1)) {
      // shapes being assembled (for a Reshape): folded at import
      setIntValue(c, n.out, {
        dims: [parts.reduce((a, p) => a + p!.values.length, 0)],
        values: parts.flatMap((p) => p!.values),
      });
      return undefined;
    }
    const axis = n.at.int('axis', 1);
    const nhwcAxis = n.r === 4 ? [0, 3, 1, 2][(axis + 4) % 4] : axis;
    return c.g.concat(
      n.ins.map((v) => c.resolve(v)),
      { axis: nhwcAxis, name: n.out },
    );
  },
});
