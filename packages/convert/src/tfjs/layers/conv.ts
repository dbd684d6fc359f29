import { tensor } from '@pabnn/ir';
import { type LayerHandler, pair } from '../layer-context.js';
import { hwioToOhwi, type NamedWeight } from '../weights.js';

/** Conv2D (HWIO kernel) and DepthwiseConv2D (HW C M kernel) as OHWI convs. */
export const conv: LayerHandler = (ctx, layer, [x]) => {
  const { g } = ctx;
  const c = layer.config;
  const name = layer.name;
  const depthwise = layer.class_name === 'DepthwiseConv2D';
  const k = ctx.weight(`${name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
  let w: NamedWeight;
  if (depthwise) {
    const [kh, kw, ch, mult] = k.shape;
    const data = new Float32Array(k.data.length);
    for (let y = 0; y < kh; y++)
      for (let xx = 0; xx < kw; xx++)
        for (let ci = 0; ci < ch; ci++)
          for (let j = 0; j < mult; j++)
            data[((ci * mult + j) * kh + y) * kw + xx] =
              k.data[((y * kw + xx) * ch + ci) * mult + j];
    w = { shape: [ch * mult, kh, kw, 1], data };
  } else w = hwioToOhwi(k);
  const wName = g.constant(tensor('float32', w.shape, w.data), `${name}/weight`);
  const bias = c.use_bias
    ? g.constant(tensor('float32', [w.shape[0]], ctx.weight(`${name}/bias`).data), `${name}/bias`)
    : undefined;
  const opts = {
    name: ctx.linearName(layer),
    stride: pair(c.strides ?? 1, `${name} strides`),
    dilation: pair(c.dilation_rate ?? 1, `${name} dilation_rate`),
    padding: c.padding === 'same' ? ('same' as const) : ('valid' as const),
    bias,
  };
  const out = depthwise ? g.depthwiseConv2d(x, wName, opts) : g.conv2d(x, wName, opts);
  return ctx.activation(out, c.activation, name);
};
