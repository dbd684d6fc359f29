import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';

/**
 * Mul, Sub and Div of a runtime value by a constant (preprocessing, per-channel scales): Sub
 * adds the negated constant; Mul and Div by one factor or one per channel are a batch norm with
 * unit statistics (y = x * factor).
 */
export const scale = defineImporter({
  ops: ['Mul', 'Sub', 'Div'],
  run(n, c) {
    const op = n.node.opType;
    if (c.opset < 7 && n.at.int('broadcast', 0) && n.at.has('axis'))
      n.refuse('legacy broadcast with an axis is not supported');
    const [a, b] = n.ins;
    const constA = c.inits.has(a);
    if (constA === c.inits.has(b))
      n.refuse(
        constA ? 'two constant inputs are not supported' : 'two runtime inputs are not supported',
      );
    if (constA && op !== 'Mul')
      n.refuse(
        'a constant first input is not supported, only value - constant and value / constant',
      );
    const [valueName, constName] = constA ? [b, a] : [a, b];
    const x = c.resolve(valueName);
    const shape = c.g.info(x).shape;
    const k = c.broadcastConst(
      c.floatConst(constName, `${n.where} constant`),
      shape.length,
      `${n.where} constant`,
    );
    const kv = k.data as Float32Array;
    if (op === 'Sub') {
      const negated = tensor(
        'float32',
        k.shape,
        kv.map((v) => -v),
      );
      return c.g.add(x, c.constant(`${constName}__neg${k.shape.join('x')}`, negated), n.out);
    }
    const channels = shape[shape.length - 1];
    if (k.shape.length !== 1 || (k.shape[0] !== 1 && k.shape[0] !== channels))
      n.refuse(
        `a constant of shape [${c.inits.get(constName)!.dims.join(', ')}] is not supported, only one value or one per channel`,
      );
    if (!(channels > 0)) n.refuse('the channel count must be static');
    const factor = Float32Array.from({ length: channels }, (_, i) => {
      const v = kv[k.shape[0] === 1 ? 0 : i];
      return op === 'Div' ? 1 / v : v;
    });
    const vector = (v: number) => tensor('float32', [channels], new Float32Array(channels).fill(v));
    return c.g.batchNorm(
      x,
      {
        gamma: tensor('float32', [channels], factor),
        beta: vector(0),
        mean: vector(0),
        variance: vector(1),
      },
      { epsilon: 0, name: n.out },
    );
  },
});
