import { tensor } from '@pabnn/ir';
import { ConvertError } from '../../errors.js';
import type { LayerHandler } from '../layer-context.js';

/** BatchNormalization over the channel axis (absent gamma/beta: 1 and 0). */
export const batchNorm: LayerHandler = (ctx, layer, [x]) => {
  const c = layer.config;
  const name = layer.name;
  const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
  if (axis !== -1 && axis !== 3)
    throw new ConvertError(
      'tfjs-layer',
      `layer '${name}': BatchNormalization over axis ${axis}; only the channel axis is supported`,
    );
  const ch = ctx.weight(`${name}/moving_mean`).shape[0];
  const p = (what: string, fallback: number, present = true) =>
    ctx.g.constant(
      tensor(
        'float32',
        [ch],
        present ? ctx.weight(`${name}/${what}`).data : new Float32Array(ch).fill(fallback),
      ),
      `${name}/${what}`,
    );
  return ctx.g.batchNorm(
    x,
    {
      gamma: p('gamma', 1, c.scale !== false),
      beta: p('beta', 0, c.center !== false),
      mean: p('moving_mean', 0),
      variance: p('moving_variance', 1),
    },
    { epsilon: Number(c.epsilon ?? 1e-3), name },
  );
};
