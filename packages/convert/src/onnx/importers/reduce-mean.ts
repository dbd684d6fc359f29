import { defineImporter } from '../import-context.js';

/** ReduceMean over H and/or W of a 4-D map: a global or a one-axis average pool. */
export const reduceMean = defineImporter({
  ops: ['ReduceMean'],
  run(n, c) {
    const axesInit = n.ins[1] ? c.inits.get(n.ins[1]) : undefined;
    if (n.ins[1] && !axesInit) n.refuse('only constant axes are supported');
    const given = axesInit ? [...axesInit.values] : n.at.ints('axes', []);
    const axes = [...new Set(given.map((a) => (a < 0 ? a + n.r : a)))].sort();
    const keep = n.at.int('keepdims', 1) === 1;
    if (n.r !== 4 || axes.length === 0 || axes.some((a) => a !== 2 && a !== 3))
      n.refuse(`only axes over H and W of a 4-D map are supported, got [${given.join(', ')}]`);
    if (axes.length === 2) {
      if (!keep) c.rank.set(n.out, 2);
      return c.g.globalAvgPool(n.x, { keepDims: keep, name: n.out });
    }
    if (!keep) n.refuse('keepdims 0 over one of H and W is not supported');
    const [, h, w] = c.g.info(n.x).shape;
    const kernel: [number, number] = axes[0] === 2 ? [h, 1] : [1, w];
    if (!(kernel[0] > 0 && kernel[1] > 0)) n.refuse('the reduced axis must be static');
    return c.g.avgPool(n.x, kernel, { padding: 'valid', name: n.out });
  },
});
