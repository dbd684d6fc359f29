import { defineExporter } from '../export-context.js';

export const pad = defineExporter({
  ops: ['Pad'],
  run({ node, attrs, xin, out }, c) {
    const [t, l, b, r] = attrs.pads as number[];
    c.add('Pad', [xin, c.initInt64(`${node.name}/pads`, [0, 0, t, l, 0, 0, b, r])], [out]);
  },
});
