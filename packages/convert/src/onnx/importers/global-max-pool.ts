import { defineImporter } from '../import-context.js';

/** GlobalMaxPool: a MaxPool whose window is the whole (static) H x W map. */
export const globalMaxPool = defineImporter({
  ops: ['GlobalMaxPool'],
  run(n, c) {
    const [, h, w] = c.g.info(n.x).shape;
    if (n.r !== 4) n.refuse(`only 4-D inputs are supported, got rank ${n.r}`);
    if (!(h > 0 && w > 0)) n.refuse('H and W must be static');
    return c.g.maxPool(n.x, [h, w], { padding: 'valid', name: n.out });
  },
});
