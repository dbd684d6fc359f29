import { defineImporter } from '../import-context.js';

/** Identity, and Dropout at inference: the output is the input. */
export const identity = defineImporter({
  ops: ['Identity', 'Dropout'],
  run(n, c) {
    if (n.node.opType === 'Dropout' && c.opset < 7 && n.at.int('is_test', 0) === 0)
      n.refuse('is_test 0 (training dropout) is not supported');
    const training = n.node.opType === 'Dropout' && n.ins[2];
    if (training) {
      const mode = c.inits.get(training);
      if (!mode || mode.values[0]) n.refuse('training_mode (random dropout) is not supported');
    }
    const init = c.inits.get(n.xo);
    if (init)
      c.inits.set(n.out, init); // a constant stays a constant
    else c.alias.set(n.out, n.x);
    return undefined;
  },
});
