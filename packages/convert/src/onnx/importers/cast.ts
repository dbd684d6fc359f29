import { defineImporter } from '../import-context.js';
import { DataType } from '../proto.js';
import { intValue } from '../shape-values.js';

/** Cast of a folded integer value (kept), of a float value to FLOAT (a no-op). */
export const cast = defineImporter({
  ops: ['Cast'],
  run(n, c) {
    const to = n.at.int('to', 0);
    const ints = intValue(c, n.xo);
    const isInt = to === DataType.INT64 || to === DataType.INT32;
    if (ints && isInt) {
      const folded = c.shapeValues.get(n.xo);
      if (folded) c.shapeValues.set(n.out, folded);
      else c.inits.set(n.out, c.inits.get(n.xo)!);
      return undefined;
    }
    const init = c.inits.get(n.xo);
    if (to === DataType.FLOAT && init) {
      c.inits.set(n.out, { dims: init.dims, values: Float32Array.from(init.values) });
      return undefined;
    }
    if (to === DataType.FLOAT && !ints && !init) {
      c.alias.set(n.out, n.x); // inputs are float tensors: a float value stays one
      return undefined;
    }
    return n.refuse(`a cast to data type ${to} of this value is not supported`);
  },
});
