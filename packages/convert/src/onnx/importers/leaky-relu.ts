import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';

/** LeakyRelu(alpha) is PRelu with one shared slope. */
export const leakyRelu = defineImporter({
  ops: ['LeakyRelu'],
  run(n, c) {
    const alpha = n.at.float('alpha', 0.01);
    const slope = c.constant(`${n.out}__alpha`, tensor('float32', [1], Float32Array.of(alpha)));
    return c.g.prelu(n.x, slope, n.out);
  },
});
