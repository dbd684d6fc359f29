import { defineImporter } from '../import-context.js';
import { elementwiseOperands } from './operands.js';

/** Add of two values, or of a value and a constant broadcast by ONNX rules. */
export const add = defineImporter({
  ops: ['Add'],
  run(n, c) {
    if (c.opset < 7 && n.at.int('broadcast', 0) && n.node.attribute?.some((a) => a.name === 'axis'))
      n.refuse('legacy broadcast with an axis is not supported');
    const [a, b] = elementwiseOperands(n, c);
    return c.g.add(a, b, n.out);
  },
});
