import { defineImporter } from '../import-context.js';
import { type Initializer, readInitializer } from '../onnx-values.js';

/** A Constant node is folded at import: its value becomes an initializer of its output. */
export const constant = defineImporter({
  ops: ['Constant'],
  run(n, c) {
    const { at } = n;
    let value: Initializer | undefined;
    const t = at.tensor('value');
    if (t) value = readInitializer({ ...t, name: n.out });
    else if (at.has('value_float'))
      value = { dims: [], values: Float32Array.of(at.float('value_float', 0)) };
    else if (at.has('value_floats')) {
      const values = Float32Array.from(at.floats('value_floats', []));
      value = { dims: [values.length], values };
    } else if (at.has('value_int')) value = { dims: [], values: [at.int('value_int', 0)] };
    else if (at.has('value_ints')) {
      const values = at.ints('value_ints', []);
      value = { dims: [values.length], values };
    } else n.refuse('only value, value_float(s) and value_int(s) are supported');
    c.inits.set(n.out, value as Initializer);
    return undefined;
  },
});
