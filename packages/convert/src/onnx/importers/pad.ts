import { defineImporter } from '../import-context.js';
import { intValue } from '../shape-values.js';

const MODES = ['constant', 'reflect', 'edge', 'wrap'];

/**
 * Pad of H and W (pads as attribute before opset 11, as input after; the axes input since
 * opset 18), in ONNX Pad's modes: constant (with its value), reflect, edge and wrap.
 */
export const pad = defineImporter({
  ops: ['Pad'],
  run(n, c) {
    const { at, ins, r } = n;
    let p: number[];
    if (c.opset < 11) p = at.ints('pads', []);
    else {
      const given = ins[1] ? intValue(c, ins[1]) : undefined;
      if (!given?.values.every((v) => typeof v === 'number'))
        return n.refuse('only constant pads are supported');
      p = given.values as number[];
    }
    const mode = at.string('mode', 'constant');
    if (!MODES.includes(mode)) n.refuse(`mode '${mode}' is not supported`);
    const value = ins[2]
      ? c.floatConst(ins[2], `${n.where} constant_value`).values[0]
      : at.float('value', 0);
    // axes (opset 18): pads holds [begin of each listed axis..., end of each...]
    let axes = [...Array(r).keys()];
    if (ins[3]) {
      const listed = intValue(c, ins[3]);
      if (!listed?.values.every((v) => typeof v === 'number'))
        return n.refuse('only constant axes are supported');
      axes = (listed.values as number[]).map((a) => (a < 0 ? a + r : a));
    }
    if (p.length !== 2 * axes.length)
      n.refuse(`pads has ${p.length} values for ${axes.length} axes`);
    const begin = new Array<number>(r).fill(0);
    const end = new Array<number>(r).fill(0);
    axes.forEach((a, i) => {
      if (a < 0 || a >= r) n.refuse(`axis ${a} is out of range for rank ${r}`);
      begin[a] += p[i];
      end[a] += p[i + axes.length];
    });
    if (r !== 4 || begin[0] || begin[1] || end[0] || end[1])
      n.refuse('only padding of H and W of a 4-D map is supported');
    if ([...begin, ...end].some((v) => v < 0))
      n.refuse('negative pads (cropping) are not supported');
    const attrs = { pads: [begin[2], begin[3], end[2], end[3]], mode, value };
    return c.g.node('Pad', [n.x], attrs, n.out);
  },
});
