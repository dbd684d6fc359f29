import type { LayerHandler } from '../layer-context.js';

/** Activation: its function, or an identity (no op) for linear. */
export const activationLayer: LayerHandler = (ctx, layer, [x]) => {
  const out = ctx.activation(x, layer.config.activation, layer.name);
  if (out === x) ctx.alias(layer.name, x);
  return out;
};

/** ReLU, clipped at max_value when it has one. */
export const reluLayer: LayerHandler = (ctx, layer, [x]) =>
  layer.config.max_value
    ? ctx.g.clip(x, 0, Number(layer.config.max_value), layer.name)
    : ctx.g.relu(x, layer.name);

export const softmaxLayer: LayerHandler = (ctx, layer, [x]) =>
  ctx.g.softmax(x, { name: layer.name });

/** Dropout: an identity at inference. */
export const identityLayer: LayerHandler = (ctx, layer, [x]) => {
  ctx.alias(layer.name, x);
  return x;
};
