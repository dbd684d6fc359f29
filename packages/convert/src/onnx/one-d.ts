import type { ImportContext, OnnxNode } from './import-context.js';
import { transposed } from './layout.js';

/**
 * 1-D convs and pools on [N, C, L] run as 2-D ones on an [N, 1, L, C] map (H = 1): the same
 * numbers, since a window of height 1 with no vertical stride, pad or dilation only slides along
 * L. The window attributes gain that leading H entry.
 */
const H_ENTRY: Record<string, (v: number[]) => number[]> = {
  kernel_shape: (v) => [1, ...v],
  strides: (v) => [1, ...v],
  dilations: (v) => [1, ...v],
  // ONNX pads: [begin..., end...]
  pads: (v) => [0, v[0], 0, v[1]],
};

/** An [N, C, L] value (held as is) as an [N, 1, L, C] map. */
function as2dMap(c: ImportContext, x: string): string {
  const nlc = transposed(c, x, [0, 2, 1]);
  const [n, l, ch] = c.g.info(nlc).shape;
  return c.g.reshape(nlc, [Math.max(n, 0), 1, l, ch]);
}

/** The node as it would read its input were it a 2-D map of height 1 (see H_ENTRY). */
export function as2d(n: OnnxNode, c: ImportContext): OnnxNode {
  const at = {
    ...n.at,
    ints: (name: string, fallback: number[]) => {
      if (!Object.hasOwn(H_ENTRY, name) || !n.at.has(name)) return n.at.ints(name, fallback);
      return H_ENTRY[name](n.at.ints(name, []));
    },
  };
  return { ...n, at, x: as2dMap(c, n.x), r: 4, out: `${n.out}__2d` };
}

/** An [N, 1, L, C] map back to ONNX's [N, C, L], named `name`. */
export function from2d(c: ImportContext, x: string, name: string): string {
  const [n, , l, ch] = c.g.info(x).shape;
  const nlc = c.g.reshape(x, [Math.max(n, 0), l, ch]);
  return transposed(c, nlc, [0, 2, 1], name);
}
