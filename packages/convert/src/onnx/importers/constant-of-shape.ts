import { defineImporter } from '../import-context.js';
import { readInitializer } from '../onnx-values.js';
import { intValue } from '../shape-values.js';

/** ConstantOfShape of a shape known at import: a filled constant. */
export const constantOfShape = defineImporter({
  ops: ['ConstantOfShape'],
  run(n, c) {
    const shape = intValue(c, n.xo);
    if (!shape?.values.every((d) => typeof d === 'number'))
      return n.refuse('only a shape known at import is supported');
    const dims = shape.values as number[];
    const count = dims.reduce((a, b) => a * b, 1);
    const t = n.at.tensor('value');
    const fill = t ? readInitializer({ ...t, name: `${n.out} value` }) : undefined;
    const v = fill ? fill.values[0] : 0;
    const values =
      fill && !(fill.values instanceof Float32Array)
        ? Array<number>(count).fill(v)
        : new Float32Array(count).fill(v);
    c.inits.set(n.out, { dims, values });
    return undefined;
  },
});
