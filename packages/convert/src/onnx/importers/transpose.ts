import { defineImporter, isTranspose } from '../import-context.js';

/** Only the layout transposes NCHW <-> NHWC: the IR holds both as NHWC, so they rename. */
export const transpose = defineImporter({
  ops: ['Transpose'],
  run(n, c) {
    const toNchw = isTranspose(n.node, [0, 3, 1, 2]) && c.nhwc.has(n.xo);
    const toNhwc = isTranspose(n.node, [0, 2, 3, 1]) && !c.nhwc.has(n.xo) && n.r === 4;
    if (!toNchw && !toNhwc) n.refuse('only NCHW <-> NHWC transposes are supported');
    c.alias.set(n.out, n.x);
    if (toNhwc) c.nhwc.add(n.out);
    c.rank.set(n.out, 4);
    return undefined;
  },
});
