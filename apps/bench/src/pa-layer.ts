import type { Backend, BackendTensor } from '@pabnn/backend';
import { getOpSchema, resolveAttrs, type Tensor, tensor } from '@pabnn/ir';
import { calibrateFromBatchNorm, quantizeWeights } from '@pabnn/quantizer';

/** ResNet-18's 3x3 layer shapes (stride 1, pad 1) that the conv benchmarks time: [size, channels]. */
export const RESNET18_3X3_LAYERS: [number, number][] = [
  [56, 64],
  [28, 128],
  [14, 256],
  [7, 512],
];

/** ResNet-8's 3x3 layers on 28x28 inputs (the shipped models): [size, channels]. */
export const RESNET8_3X3_LAYERS: [number, number][] = [
  [28, 16],
  [14, 32],
  [7, 64],
];

export interface PALayer {
  /** Runs the prepared node once (the caller times it). */
  run(): void | Promise<void>;
  out: BackendTensor;
  free(): void;
}

/**
 * A 3x3, stride 1, pad 1 PAConv2D of the given float weights (OHWI [c, 3, 3, c]) prepared on a
 * backend, with its input uploaded: what every conv benchmark times.
 */
export function preparePALayer(
  backend: Backend,
  m: number,
  n: number,
  shape: [batch: number, size: number, channels: number],
  x: Float32Array,
  w: Float32Array,
): PALayer {
  const [batch, size, c] = shape;
  const q = quantizeWeights(w, [c, 3, 3, c], { name: 'pa', bases: m, strategy: 'quantile' });
  const act = calibrateFromBatchNorm(
    { gamma: new Array(c).fill(1), beta: new Array(c).fill(0) },
    { name: 'pa', bases: n },
  );
  const xt = tensor('float32', [batch, size, size, c], x);
  const inputs = [xt, q.bits, q.scales, q.offset, act.thresholds, act.levels];
  const attrs = resolveAttrs(getOpSchema('PAConv2D')!, {
    weightBases: m,
    activationBases: n,
    pads: [1, 1, 1, 1],
  });
  return preparedLayer(backend, 'PAConv2D', attrs, inputs);
}

/**
 * A single-node layer prepared on a backend, input 0 its input and the rest its constants;
 * the output has the input's shape (the benchmarks' 3x3, stride 1, pad 1, Cin = Cout layers).
 */
function preparedLayer(
  backend: Backend,
  op: string,
  attrs: ReturnType<typeof resolveAttrs>,
  inputs: Tensor[],
): PALayer {
  const outInfo = { dtype: 'float32' as const, shape: [...inputs[0].shape] };
  const prepared = backend.prepare(
    {
      name: op,
      op,
      attrs,
      inputs: inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })),
      outputs: [outInfo],
    },
    inputs.map((t, i) => (i > 0 ? t : undefined)),
  );
  // every input on the backend too: a kernel that did not keep a constant at prepare reads it here
  const uploaded = inputs.map((t) => backend.upload(t));
  const out: BackendTensor = { ...outInfo, buffer: backend.alloc(4 * inputs[0].data.length) };
  return {
    run: () => backend.run(prepared, uploaded, [out]),
    out,
    free: () => {
      backend.free(out.buffer);
      for (const u of uploaded) backend.free(u.buffer);
    },
  };
}

/**
 * The float Conv2D of the same layer (3x3, stride 1, pad 1, no bias) on a backend, with its
 * input uploaded: the float baseline of our own kernels beside the PA ones.
 */
export function prepareFloatLayer(
  backend: Backend,
  shape: [batch: number, size: number, channels: number],
  x: Float32Array,
  w: Float32Array,
): PALayer {
  const [batch, size, c] = shape;
  const xt = tensor('float32', [batch, size, size, c], x);
  const wt = tensor('float32', [c, 3, 3, c], w);
  const attrs = resolveAttrs(getOpSchema('Conv2D')!, { pads: [1, 1, 1, 1] });
  return preparedLayer(backend, 'Conv2D', attrs, [xt, wt]);
}
