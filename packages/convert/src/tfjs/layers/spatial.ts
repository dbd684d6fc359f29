import { type LayerHandler, pair } from '../layer-context.js';

/** ZeroPadding2D: one number, (rows, cols) or ((top, bottom), (left, right)). */
export const zeroPadding: LayerHandler = (ctx, layer, [x]) => {
  const p = layer.config.padding;
  const [[t, b], [l, r]] =
    Array.isArray(p) && Array.isArray(p[0])
      ? (p as [[number, number], [number, number]])
      : [pair(p, `${layer.name} padding`), pair(p, `${layer.name} padding`)];
  return ctx.g.pad(x, [t, l, b, r], layer.name);
};

/** MaxPooling2D and AveragePooling2D (strides default to the pool size). */
export const pooling: LayerHandler = (ctx, layer, [x]) => {
  const c = layer.config;
  const size = pair(c.pool_size ?? 2, `${layer.name} pool_size`);
  const opts = {
    name: layer.name,
    stride: pair(c.strides ?? size, `${layer.name} strides`),
    padding: c.padding === 'same' ? ('same' as const) : ('valid' as const),
  };
  return layer.class_name === 'MaxPooling2D'
    ? ctx.g.maxPool(x, size, opts)
    : ctx.g.avgPool(x, size, opts);
};

export const globalAveragePooling: LayerHandler = (ctx, layer, [x]) =>
  ctx.g.globalAvgPool(x, { name: layer.name });

export const flatten: LayerHandler = (ctx, layer, [x]) => ctx.g.flatten(x, layer.name);
