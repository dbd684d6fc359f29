import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { intValue, setIntValue } from '../shape-values.js';

/**
 * The axes of Squeeze/Unsqueeze (an attribute before opset 13, a constant input after), sorted,
 * negative ones counted from the end of the input (Squeeze) or of the output (Unsqueeze).
 */
function axesOf(n: OnnxNode, c: ImportContext, squeeze: boolean): number[] {
  const init = n.ins[1] ? c.inits.get(n.ins[1]) : undefined;
  if (n.ins[1] && !init) n.refuse('only constant axes are supported');
  const given = init ? [...init.values] : n.at.ints('axes', []);
  if (given.length === 0) n.refuse('axes must be given');
  const rank = squeeze ? n.r : n.r + given.length;
  return [...new Set(given.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/**
 * Squeeze and Unsqueeze as reshapes: between [N, C, 1, 1] maps and [N, C] (the head of a
 * network, squeeze-and-excitation blocks), and on values that are not 4-D maps.
 */
export const squeeze = defineImporter({
  ops: ['Squeeze', 'Unsqueeze'],
  run(n, c) {
    const isSqueeze = n.node.opType === 'Squeeze';
    const folded = intValue(c, n.xo);
    if (folded && folded.dims.length <= 1) {
      // a scalar from a shape made a vector, or back: folded at import
      const rank = folded.dims.length;
      const one = folded.values.length === 1;
      if (!one || (isSqueeze ? rank !== 1 : rank !== 0))
        n.refuse('only a scalar and a 1-element vector of a folded shape convert');
      setIntValue(c, n.out, { dims: isSqueeze ? [] : [1], values: folded.values });
      return undefined;
    }
    const shape = c.g.info(n.x).shape;
    const axes = axesOf(n, c, isSqueeze);
    const spatial = axes.length === 2 && axes[0] === 2 && axes[1] === 3;
    if (isSqueeze && n.r === 4) {
      // [N, H, W, C] in the IR
      if (!spatial || shape[1] !== 1 || shape[2] !== 1)
        n.refuse('only axes [2, 3] of a map with H = W = 1 can be squeezed');
      c.rank.set(n.out, 2);
      return c.g.flatten(n.x, n.out);
    }
    if (!isSqueeze && n.r === 2) {
      const rank = n.r + axes.length;
      if (rank === 4 && !spatial) n.refuse('only axes [2, 3] can be added to a 2-D value');
      if (rank === 4) {
        c.rank.set(n.out, 4);
        return c.g.reshape(n.x, [0, 1, 1, shape[1]], n.out);
      }
    }
    // any other rank: the ONNX layout is the IR's, as long as no 4-D map is read or made
    if (n.r === 4) n.refuse('adding axes to a 4-D map is not supported');
    const target = [...shape];
    if (isSqueeze) {
      if (axes.some((a) => target[a] !== 1)) n.refuse('the squeezed axes must have size 1');
      for (const a of [...axes].reverse()) target.splice(a, 1);
    } else for (const a of axes) target.splice(a, 0, 1);
    if (target.length === 4) n.refuse('making a 4-D map here is not supported');
    if (target.filter((d) => d === -1).length > 1) n.refuse('at most one dim may be dynamic');
    c.rank.set(n.out, target.length);
    return c.g.reshape(n.x, target, n.out);
  },
});
