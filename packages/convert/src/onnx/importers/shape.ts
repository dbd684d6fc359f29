import { defineImporter } from '../import-context.js';
import { onnxDims, setIntValue } from '../shape-values.js';

/** Shape (optionally sliced by start/end) folded at import; unknown dims stay symbolic. */
export const shape = defineImporter({
  ops: ['Shape'],
  run(n, c) {
    const dims = onnxDims(c, n.xo);
    const rank = dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const values = dims.slice(clamp(n.at.int('start', 0)), clamp(n.at.int('end', rank)));
    setIntValue(c, n.out, { dims: [values.length], values });
    return undefined;
  },
});
