import { defineImporter } from '../import-context.js';

/** Constant zero padding of H and W (pads as attribute before opset 11, as input after). */
export const pad = defineImporter({
  ops: ['Pad'],
  run(n, c) {
    const { at, ins } = n;
    const padsInit = ins[1] ? c.inits.get(ins[1]) : undefined;
    if (ins[1] && !padsInit) n.refuse('only constant pads are supported');
    const p = padsInit ? (padsInit.values as number[]) : at.ints('pads', []);
    const mode = at.string('mode', 'constant');
    if (ins[3]) n.refuse('the axes input is not supported');
    const value = ins[2]
      ? c.floatConst(ins[2], `${n.where} constant_value`).values[0]
      : at.float('value', 0);
    if (mode === 'constant' && value !== 0)
      n.refuse(`constant value ${value} is not supported (only 0)`);
    if (n.r !== 4 || p.length !== 8 || mode !== 'constant' || p[0] || p[1] || p[4] || p[5])
      n.refuse('only constant zero padding of H and W is supported');
    return c.g.pad(n.x, [p[2], p[3], p[6], p[7]], n.out);
  },
});
