import { defineImporter, type ImportContext, type OnnxNode } from '../import-context.js';
import { intValue, setIntValue } from '../shape-values.js';

/** Slice parameter `i` (an input from opset 10, an attribute before); constant numbers only. */
function param(n: OnnxNode, c: ImportContext, i: number, name: string): number[] | undefined {
  if (c.opset < 10) return n.at.has(name) ? n.at.ints(name, []) : undefined;
  if (!n.ins[i]) return undefined;
  const v = intValue(c, n.ins[i]);
  if (!v?.values.every((d) => typeof d === 'number')) return n.refuse(`${name} must be constant`);
  return v.values as number[];
}

/** Slice of a shape or a 1-D integer constant (x.shape[2:]), folded at import. */
export const slice = defineImporter({
  ops: ['Slice'],
  run(n, c) {
    const data = intValue(c, n.xo);
    if (data?.dims.length !== 1)
      return n.refuse('only slicing a shape or a 1-D integer constant is supported');
    const [start] = param(n, c, 1, 'starts') ?? [0];
    const [end] = param(n, c, 2, 'ends') ?? [];
    const axes = param(n, c, 3, 'axes') ?? [0];
    const [step] = param(n, c, 4, 'steps') ?? [1];
    if (axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1))
      n.refuse('only axis 0 is supported');
    if (step !== 1) n.refuse('only step 1 is supported');
    const length = data.values.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + length : v, 0), length);
    const values = data.values.slice(clamp(start), clamp(end ?? length));
    setIntValue(c, n.out, { dims: [values.length], values });
    return undefined;
  },
});
