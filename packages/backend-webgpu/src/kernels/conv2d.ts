import {
  type BackendTensor,
  convGeometry,
  hasConstantParameters,
  inputsByName,
  type KernelNode,
  paConvGeometry,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { chooseFloatConvKernel } from '../float-conv-choice.js';
import { prepareTiledFloatConv } from '../float-conv-tiled.js';
import { CONV_F32_WGSL } from '../float-ops-wgsl.js';
import {
  defineGpuKernel,
  elements,
  type GpuContext,
  gpuBuffer,
  singleCall,
} from '../gpu-kernel.js';
import { channelBlocks } from '../wgsl-snippets.js';

/** Conv2D / DepthwiseConv2D: OHWI weights re-laid [tap][cinG][group][4-channel block] (CONV_F32_WGSL). */
function prepareConv(ctx: GpuContext, node: KernelNode, constants: (Tensor | undefined)[]) {
  const { weight, bias } = inputsByName(node.op, constants);
  const [cout, kh, kw, cinG] = weight!.shape;
  // a depthwise conv is the grouped conv with one group per input channel
  const groups =
    node.op === 'DepthwiseConv2D'
      ? (node.inputs[0]?.shape[3] as number)
      : (node.attrs.groups as number);
  if (chooseFloatConvKernel(groups, ctx.options.floatConvKernel) === 'tiled')
    return prepareTiledConv2D(ctx, node, weight!, bias);
  const { lanes, laneOf, threadsPerPixel } = channelBlocks(cout, groups, 4);
  const taps = kh * kw;
  const src = weight!.data as Float32Array;
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

/** Conv2D of groups 1 on the tiled float conv (float-conv-tiled-wgsl.ts): bias and no scale, no activation. */
function prepareTiledConv2D(ctx: GpuContext, node: KernelNode, weight: Tensor, bias?: Tensor) {
  const [cout, kh, kw, cin] = weight.shape;
  const conv = prepareTiledFloatConv(ctx, weight.data as Float32Array, { cout, kh, kw, cin });
  const biasBuffer = bias ? ctx.storage(Float32Array.from(bias.data)) : ctx.empty;
  return {
    run([x]: (BackendTensor | undefined)[], [y]: BackendTensor[]) {
      conv.record(
        {
          geometry: convGeometry(node.attrs, x!.shape, cout, kh, kw),
          act: 0,
          hasScale: false,
          hasBias: bias !== undefined,
        },
        { x: gpuBuffer(x!), scale: ctx.empty, bias: biasBuffer, y: gpuBuffer(y) },
      );
    },
  };
}

export const conv2dKernel = defineGpuKernel({
  ops: ['Conv2D', 'DepthwiseConv2D'],
  needs: 'constant weights and bias',
  supports: hasConstantParameters,
  prepare: prepareConv,
});
