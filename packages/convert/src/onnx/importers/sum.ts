import { defineImporter } from '../import-context.js';
import { elementwiseOperands } from './operands.js';

/** Sum of any number of inputs: a chain of Adds. */
export const sum = defineImporter({
  ops: ['Sum'],
  run(n, c) {
    const operands = elementwiseOperands(n, c);
    if (operands.length === 1) {
      c.alias.set(n.out, operands[0]);
      return undefined;
    }
    let acc = operands[0];
    for (let i = 1; i < operands.length; i++)
      acc = c.g.add(acc, operands[i], i === operands.length - 1 ? n.out : undefined);
    return acc;
  },
});
