import { defineImporter } from '../import-context.js';

/** Add of two values, or of a value and a constant broadcast by ONNX rules. */
export const add = defineImporter({
  ops: ['Add'],
  run(n, c) {
    const { ins } = n;
    if (c.opset < 7 && n.at.int('broadcast', 0) && n.node.attribute?.some((a) => a.name === 'axis'))
      n.refuse('legacy broadcast with an axis is not supported');
    const ranks = ins.map((v) => (c.inits.has(v) ? 0 : c.g.info(c.resolve(v)).shape.length));
    const against = Math.max(...ranks, ...ins.map((v) => c.inits.get(v)?.dims.length ?? 0));
    if (ranks.some((k) => k > 0 && k !== against) && against === 4)
      n.refuse(
        `broadcasting a ${Math.min(...ranks.filter((k) => k > 0))}-D value against a 4-D map is not supported`,
      );
    return c.g.add(
      c.valueOrConst(ins[0], against, `${n.where} A`),
      c.valueOrConst(ins[1], against, `${n.where} B`),
      n.out,
    );
  },
});
