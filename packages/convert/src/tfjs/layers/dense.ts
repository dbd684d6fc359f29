import { tensor } from '@pabnn/ir';
import type { LayerHandler } from '../layer-context.js';

/** Dense: the [in, out] kernel transposed to the IR's [out, in]. */
export const dense: LayerHandler = (ctx, layer, [x]) => {
  const { g } = ctx;
  const c = layer.config;
  const name = layer.name;
  const k = ctx.weight(`${name}/kernel`);
  const [inF, outF] = k.shape;
  const t = new Float32Array(k.data.length);
  for (let i = 0; i < inF; i++)
    for (let o = 0; o < outF; o++) t[o * inF + i] = k.data[i * outF + o];
  const bias = c.use_bias
    ? g.constant(tensor('float32', [outF], ctx.weight(`${name}/bias`).data), `${name}/bias`)
    : undefined;
  const out = g.dense(x, g.constant(tensor('float32', [outF, inF], t), `${name}/weight`), {
    bias,
    name: ctx.linearName(layer),
  });
  return ctx.activation(out, c.activation, name);
};
