import { defineImporter } from '../import-context.js';

/**
 * Softmax and LogSoftmax. From opset 13 along one axis (default last); before, one over each row
 * of the input coerced to 2-D [prod(dims[..axis]), prod(dims[axis..])] (default axis 1).
 */
export const softmax = defineImporter({
  ops: ['Softmax', 'LogSoftmax'],
  run(n, c) {
    const { x, r } = n;
    const op = n.node.opType === 'Softmax' ? 'Softmax' : 'LogSoftmax';
    const given = n.at.int('axis', c.opset < 13 ? 1 : -1);
    const axis = given < 0 ? given + r : given;
    if (c.opset >= 13 || axis === r - 1)
      return c.g.node(op, [x], { axis: r === 4 ? [0, 3, 1, 2][axis] : axis }, n.out);
    if (r === 4 && axis > 1)
      n.refuse(`axis ${given} on a 4-D input is not supported before opset 13`);
    // on a 4-D map (NHWC in the IR) axis 0 or 1 takes all of C, H, W: their order is free
    const shape = c.g.info(x).shape;
    const inner = r === 4 ? shape.slice(axis === 0 ? 0 : 1) : shape.slice(axis);
    if (shape.filter((d) => d === -1).length > 1 || inner.some((d) => d < 1))
      n.refuse(`axis ${given} before opset 13 needs static dims from the axis on`);
    const rows = c.g.reshape(x, [-1, inner.reduce((a, b) => a * b, 1)]);
    return c.g.reshape(c.g.node(op, [rows], { axis: 1 }), [...shape], n.out);
  },
});
