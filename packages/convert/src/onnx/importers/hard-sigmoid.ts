import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';

/** HardSigmoid: max(0, min(1, alpha x + beta)), as a unit-statistics batch norm and Clip(0, 1). */
export const hardSigmoid = defineImporter({
  ops: ['HardSigmoid'],
  run(n, c) {
    const shape = c.g.info(n.x).shape;
    const channels = shape[shape.length - 1];
    if (!(channels > 0)) n.refuse('the channel count must be static');
    const vector = (v: number) => tensor('float32', [channels], new Float32Array(channels).fill(v));
    const affine = c.g.batchNorm(
      n.x,
      {
        gamma: vector(n.at.float('alpha', 0.2)),
        beta: vector(n.at.float('beta', 0.5)),
        mean: vector(0),
        variance: vector(1),
      },
      { epsilon: 0 },
    );
    return c.g.clip(affine, 0, 1, n.out);
  },
});
