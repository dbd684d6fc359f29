import type { ImportContext, OnnxNode } from '../import-context.js';

/**
 * The inputs of an elementwise node (Add, Sum, ...) as IR values: runtime values as they are,
 * constants broadcast by ONNX rules in the IR's layout. A runtime value of lower rank than a
 * 4-D map is refused (its ONNX axes do not line up with NHWC).
 */
export function elementwiseOperands(n: OnnxNode, c: ImportContext): string[] {
  const { ins } = n;
  const ranks = ins.map((v) => (c.inits.has(v) ? 0 : c.g.info(c.resolve(v)).shape.length));
  const against = Math.max(...ranks, ...ins.map((v) => c.inits.get(v)?.dims.length ?? 0));
  if (ranks.some((k) => k > 0 && k !== against) && against === 4)
    n.refuse(
      `broadcasting a ${Math.min(...ranks.filter((k) => k > 0))}-D value against a 4-D map is not supported`,
    );
  return ins.map((v, i) => c.valueOrConst(v, against, `${n.where} input ${i}`));
}
