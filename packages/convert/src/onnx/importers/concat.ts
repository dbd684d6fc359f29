import { defineImporter } from '../import-context.js';

export const concat = defineImporter({
  ops: ['Concat'],
  run(n, c) {
    const axis = n.at.int('axis', 1);
    const nhwcAxis = n.r === 4 ? [0, 3, 1, 2][(axis + 4) % 4] : axis;
    return c.g.concat(
      n.ins.map((v) => c.resolve(v)),
      { axis: nhwcAxis, name: n.out },
    );
  },
});
