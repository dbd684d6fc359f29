import { defineImporter } from '../import-context.js';
import { intValue, setIntValue } from '../shape-values.js';

/** Gather from a shape or an integer constant (axis 0), folded at import. */
export const gather = defineImporter({
  ops: ['Gather'],
  run(n, c) {
    const data = intValue(c, n.xo);
    const indices = intValue(c, n.ins[1]);
    if (data?.dims.length !== 1)
      return n.refuse('only gathering from a shape or a 1-D integer constant is supported');
    if (!indices?.values.every((i) => typeof i === 'number'))
      return n.refuse('only constant indices are supported');
    if (n.at.int('axis', 0) !== 0) n.refuse('only axis 0 is supported');
    const length = data.values.length;
    const values = (indices.values as number[]).map((i) => {
      const at = i < 0 ? i + length : i;
      if (at < 0 || at >= length) n.refuse(`index ${i} is out of range for ${length} values`);
      return data.values[at];
    });
    setIntValue(c, n.out, { dims: indices.dims, values });
    return undefined;
  },
});
