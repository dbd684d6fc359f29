import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';
import { as2d, from2d } from '../one-d.js';

/** BatchNormalization in inference mode, on [N, C], [N, C, L] or NCHW inputs. */
export const batchNorm = defineImporter({
  ops: ['BatchNormalization'],
  run(n, c) {
    const { at, ins } = n;
    if (at.int('training_mode', 0) !== 0)
      n.refuse('training_mode 1 (batch statistics) is not supported; export in inference mode');
    if (c.opset < 7 && at.int('is_test', 0) === 0)
      n.refuse('is_test 0 (batch statistics) is not supported; export in inference mode');
    if (c.opset < 9 && at.int('spatial', 1) === 0) n.refuse('spatial 0 is not supported');
    if (n.r !== 2 && n.r !== 3 && n.r !== 4)
      n.refuse(`only 2-D, 3-D and 4-D inputs are supported, got rank ${n.r}`);
    const p = (i: number, what: string) => {
      const values = c.floatConst(ins[i], what).values as Float32Array;
      return c.constant(ins[i], tensor('float32', [values.length], values));
    };
    // [N, C, L] normalizes C: as an [N, 1, L, C] map, whose channels are last
    const x = n.r === 3 ? as2d(n, c).x : n.x;
    const y = c.g.batchNorm(
      x,
      { gamma: p(1, 'scale'), beta: p(2, 'B'), mean: p(3, 'mean'), variance: p(4, 'var') },
      { epsilon: at.float('epsilon', 1e-5), name: n.r === 3 ? undefined : n.out },
    );
    return n.r === 3 ? from2d(c, y, n.out) : y;
  },
});
