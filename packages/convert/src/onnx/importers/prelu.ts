import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';
import { as2d, from2d } from '../one-d.js';

/** PRelu with one slope, one per last axis, or one per channel (axis 1) of [N, C, L]. */
export const prelu = defineImporter({
  ops: ['PRelu'],
  run(n, c) {
    const rx = c.g.info(n.x).shape.length;
    const given = c.floatConst(n.ins[1], `${n.where} slope`);
    // before opset 7 a slope of C values is per channel (axis 1), not right-aligned
    const legacy = c.opset < 7 && given.dims.length === 1 && rx > 2;
    const slope = c.broadcastConst(
      legacy ? { ...given, dims: [given.dims[0], ...Array(rx - 2).fill(1)] } : given,
      rx,
      `${n.where} slope`,
    );
    // [N, C, L] with a slope per C (axis 1): as an [N, 1, L, C] map, whose channels are last
    const perC = rx === 3 && slope.shape.length === 2 && slope.shape[1] === 1;
    if (perC && slope.shape[0] === c.g.info(n.x).shape[1]) {
      const values = tensor('float32', [slope.shape[0]], slope.data as Float32Array);
      const y = c.g.prelu(as2d(n, c).x, c.constant(`${n.ins[1]}__${slope.shape[0]}`, values));
      return from2d(c, y, n.out);
    }
    const channels = c.g.info(n.x).shape[rx - 1];
    if (slope.shape.length !== 1 || (slope.shape[0] !== 1 && slope.shape[0] !== channels))
      n.refuse(
        `slope of shape [${given.dims.join(', ')}] on a ${rx}-D input is not supported, only one value or one per channel`,
      );
    return c.g.prelu(n.x, c.constant(`${n.ins[1]}__${slope.shape[0]}`, slope), n.out);
  },
});
