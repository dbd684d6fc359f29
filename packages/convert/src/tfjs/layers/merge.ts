import type { LayerHandler } from '../layer-context.js';

/** Add of any number of inputs, as a chain of binary adds (the last one named as the layer). */
export const add: LayerHandler = (ctx, layer, inputs) =>
  inputs
    .slice(1)
    .reduce(
      (acc, y, i) => ctx.g.add(acc, y, i === inputs.length - 2 ? layer.name : `${layer.name}/${i}`),
      inputs[0],
    );

export const concatenate: LayerHandler = (ctx, layer, inputs) =>
  ctx.g.concat(inputs, { axis: Number(layer.config.axis ?? -1), name: layer.name });
