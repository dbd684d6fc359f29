import {
  BackendError,
  foldBatchNorm,
  isChannelBroadcast,
  type KernelNode,
  paConvGeometry,
  transposeDense,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import {
  ADD_WGSL,
  AFFINE_WGSL,
  CONCAT_WGSL,
  CONV_F32_WGSL,
  DENSE_WGSL,
  GLOBAL_AVG_POOL_WGSL,
  PAD_WGSL,
  POOL_WGSL,
  SOFTMAX_WGSL,
  UNARY_WGSL,
} from './float-ops-wgsl.js';
import { elements, type GpuContext, type GpuKernel, gpuBuffer, singleCall } from './gpu-kernel.js';
import { f32Bits, KernelCall } from './recorder.js';
import { channelBlocks } from './wgsl-snippets.js';

/** The float ops this backend runs in WGSL, so whole zoo models stay on the GPU. */
export const FLOAT_OPS = [
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNorm',
  'Relu',
  'PRelu',
  'Clip',
  'Add',
  'Concat',
  'MaxPool',
  'AvgPool',
  'GlobalAvgPool',
  'Pad',
  'Dense',
  'Flatten',
  'Reshape',
  'Softmax',
];

/** Weights and folded constants must be constants; Add takes a same-shape b or a channel vector. */
export function supportsFloat(node: KernelNode, constant: boolean[]): boolean {
  switch (node.op) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'Dense':
      return constant[1] && (!node.inputs[2] || constant[2]);
    case 'BatchNorm':
      return [1, 2, 3, 4].every((i) => constant[i]);
    case 'PRelu':
      return constant[1];
    case 'Add':
      return isChannelBroadcast(node.inputs[0]?.shape ?? [], node.inputs[1]?.shape ?? []);
    default:
      return FLOAT_OPS.includes(node.op);
  }
}

/** Conv2D / DepthwiseConv2D: OHWI weights re-laid [tap][cinG][group][4-channel block] (CONV_F32_WGSL). */
function prepareConv(ctx: GpuContext, node: KernelNode, constants: Tensor[]): GpuKernel {
  const [, w, bias] = constants;
  const [cout, kh, kw, cinG] = w.shape;
  // a depthwise conv is the grouped conv with one group per input channel
  const groups =
    node.op === 'DepthwiseConv2D'
      ? (node.inputs[0]?.shape[3] as number)
      : (node.attrs.groups as number);
  const { lanes, laneOf, threadsPerPixel } = channelBlocks(cout, groups, 4);
  const taps = kh * kw;
  const src = w.data as Float32Array;
  const wt = new Float32Array(taps * cinG * lanes);
  for (let o = 0; o < cout; o++) {
    const lane = laneOf(o);
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < cinG; c++)
        wt[(t * cinG + c) * lanes + lane] = src[(o * taps + t) * cinG + c];
  }
  const wBuffer = ctx.storage(wt);
  const biasBuffer = bias ? ctx.storage(Float32Array.from(bias.data)) : undefined;
  return singleCall(ctx, CONV_F32_WGSL, (call, [x], [y]) => {
    const geometry = paConvGeometry({ ...node.attrs, groups }, x!.shape, cout, kh, kw);
    const threads = (elements(y.shape) / cout) * threadsPerPixel;
    call.record(
      threads,
      [threads, ...geometry, bias ? 1 : 0],
      [gpuBuffer(x!), wBuffer, biasBuffer ?? ctx.empty, gpuBuffer(y)],
    );
  });
}

function preparePool(ctx: GpuContext, node: KernelNode): GpuKernel {
  const attrs = node.attrs;
  const [kh, kw] = attrs.kernelShape as number[];
  const mode = node.op === 'MaxPool' ? 0 : attrs.countIncludePad ? 2 : 1;
  return singleCall(ctx, POOL_WGSL, (call, [x], [y]) => {
    const c = x!.shape[3];
    // the window loop of a conv with one group per channel, no dilation
    const geometry = paConvGeometry(
      { ...attrs, groups: c, dilations: [1, 1] },
      x!.shape,
      c,
      kh,
      kw,
    );
    call.record(
      elements(y.shape),
      [elements(y.shape), ...geometry, mode],
      [gpuBuffer(x!), gpuBuffer(y)],
    );
  });
}

/** Element-wise ops over x with one more buffer (slopes, folded constants or b). */
function prepareElementwise(ctx: GpuContext, node: KernelNode, constants: Tensor[]): GpuKernel {
  switch (node.op) {
    case 'BatchNorm': {
      const { scale, shift } = foldBatchNorm(constants.slice(1, 5), node.attrs.epsilon as number);
      const consts = ctx.storage(Float32Array.of(...scale, ...shift));
      return singleCall(ctx, AFFINE_WGSL, (call, [x], [y]) =>
        call.record(
          elements(y.shape),
          [elements(y.shape), scale.length],
          [gpuBuffer(x!), consts, gpuBuffer(y)],
        ),
      );
    }
    case 'Add':
      return singleCall(ctx, ADD_WGSL, (call, [a, b], [y]) =>
        call.record(
          elements(y.shape),
          [elements(y.shape), elements(b!.shape)],
          [gpuBuffer(a!), gpuBuffer(b!), gpuBuffer(y)],
        ),
      );
    default: {
      // Relu, Clip, PRelu
      const mode = { Relu: 0, Clip: 1, PRelu: 2 }[node.op] as number;
      const slope =
        node.op === 'PRelu' ? ctx.storage(Float32Array.from(constants[1].data)) : undefined;
      const lo = f32Bits((node.attrs.min as number | undefined) ?? 0);
      const hi = f32Bits((node.attrs.max as number | undefined) ?? 0);
      return singleCall(ctx, UNARY_WGSL, (call, [x], [y]) =>
        call.record(
          elements(y.shape),
          [elements(y.shape), mode, lo, hi, slope ? constants[1].data.length : 1],
          [gpuBuffer(x!), slope ?? ctx.empty, gpuBuffer(y)],
        ),
      );
    }
  }
}

/** Concat: one dispatch per input, each writing its slice of every output row. */
function prepareConcat(ctx: GpuContext, node: KernelNode): GpuKernel {
  const calls = node.inputs.map(
    () => new KernelCall(ctx.device, ctx.recorder, ctx.pipeline(CONCAT_WGSL)),
  );
  return {
    run(inputs, [y]) {
      const rank = y.shape.length;
      const axisAttr = node.attrs.axis as number;
      const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
      const inner = elements(y.shape.slice(axis + 1));
      const rowOut = y.shape[axis] * inner;
      let offset = 0;
      inputs.forEach((t, k) => {
        const row = t!.shape[axis] * inner;
        calls[k].record(
          elements(t!.shape),
          [elements(t!.shape), row, rowOut, offset],
          [gpuBuffer(t!), gpuBuffer(y)],
        );
        offset += row;
      });
    },
  };
}

export function prepareFloat(
  ctx: GpuContext,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): GpuKernel {
  if (!supportsFloat(node, constants.map(Boolean))) {
    throw new BackendError(
      'unsupported-node',
      `the webgpu backend cannot run node '${node.name}' (${node.op}) with these inputs (weights must be constants; Add takes a same-shape b or a channel vector)`,
    );
  }
  const given = constants as Tensor[];
  switch (node.op) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
      return prepareConv(ctx, node, given);
    case 'MaxPool':
    case 'AvgPool':
      return preparePool(ctx, node);
    case 'GlobalAvgPool':
      return singleCall(ctx, GLOBAL_AVG_POOL_WGSL, (call, [x], [y]) => {
        const [batch, h, w, c] = x!.shape;
        call.record(batch * c, [batch * c, h * w, c], [gpuBuffer(x!), gpuBuffer(y)]);
      });
    case 'Pad': {
      const [top, left] = node.attrs.pads as number[];
      return singleCall(ctx, PAD_WGSL, (call, [x], [y]) => {
        const [, h, w, c] = x!.shape;
        const [, oh, ow] = y.shape;
        call.record(
          elements(y.shape),
          [elements(y.shape), h, w, c, oh, ow, top, left],
          [gpuBuffer(x!), gpuBuffer(y)],
        );
      });
    }
    case 'Dense': {
      const [, w, bias] = given;
      const [outF, inF] = w.shape;
      const wt = ctx.storage(transposeDense(w));
      const b = bias ? ctx.storage(Float32Array.from(bias.data)) : undefined;
      return singleCall(ctx, DENSE_WGSL, (call, [x], [y]) =>
        call.record(
          elements(y.shape),
          [elements(y.shape), inF, outF, b ? 1 : 0],
          [gpuBuffer(x!), wt, b ?? ctx.empty, gpuBuffer(y)],
        ),
      );
    }
    case 'Softmax':
      return singleCall(ctx, SOFTMAX_WGSL, (call, [x], [y]) => {
        const rank = x!.shape.length;
        const axisAttr = node.attrs.axis as number;
        const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
        const len = x!.shape[axis];
        const inner = elements(x!.shape.slice(axis + 1));
        const rows = elements(x!.shape) / len;
        call.record(rows, [rows, len, inner], [gpuBuffer(x!), gpuBuffer(y)]);
      });
    case 'Concat':
      return prepareConcat(ctx, node);
    case 'Flatten':
    case 'Reshape':
      // row-major data does not move: a buffer copy
      return {
        run: ([x], [y]) => ctx.recorder.copy(gpuBuffer(x!), gpuBuffer(y), 4 * elements(y.shape)),
      };
    default:
      return prepareElementwise(ctx, node, given);
  }
}
