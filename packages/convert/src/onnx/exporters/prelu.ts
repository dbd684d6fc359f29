import { defineExporter } from '../export-context.js';

export const prelu = defineExporter({
  ops: ['PRelu'],
  run({ node, x, xin, out }, c) {
    c.add(
      'PRelu',
      [
        xin,
        c.channelInit(
          `${node.name}/slope`,
          c.constant(node.inputs[1])!.data,
          c.is4d(x) && c.constant(node.inputs[1])!.data.length > 1,
        ),
      ],
      [out],
    );
  },
});
