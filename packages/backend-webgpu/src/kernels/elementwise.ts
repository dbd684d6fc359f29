import {
  batchNormInputs,
  foldBatchNorm,
  hasConstantParameters,
  inputsByName,
  isChannelBroadcast,
} from '@pabnn/backend';
import { ADD_WGSL, AFFINE_WGSL, UNARY_WGSL } from '../float-ops-wgsl.js';
import { defineGpuKernel, elements, gpuBuffer, singleCall } from '../gpu-kernel.js';
import { f32Bits } from '../recorder.js';

/** BatchNorm folded to y = x scale + shift per channel (AFFINE_WGSL). */
export const batchNormKernel = defineGpuKernel({
  ops: ['BatchNorm'],
  needs: 'constant gamma, beta, mean and variance',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { scale, shift } = foldBatchNorm(
      batchNormInputs(constants),
      node.attrs.epsilon as number,
    );
    const consts = ctx.storage(Float32Array.of(...scale, ...shift));
    return singleCall(ctx, AFFINE_WGSL, (call, [x], [y]) =>
      call.record(
        elements(y.shape),
        [elements(y.shape), scale.length],
        [gpuBuffer(x!), consts, gpuBuffer(y)],
      ),
    );
  },
});

/** a + b with b of a's shape or a channel vector (ADD_WGSL). */
export const addKernel = defineGpuKernel({
  ops: ['Add'],
  needs: 'b of the same shape as a, or a vector over its channels',
  supports: (node) => isChannelBroadcast(node.inputs[0]?.shape ?? [], node.inputs[1]?.shape ?? []),
  prepare: (ctx) =>
    singleCall(ctx, ADD_WGSL, (call, [a, b], [y]) =>
      call.record(
        elements(y.shape),
        [elements(y.shape), elements(b!.shape)],
        [gpuBuffer(a!), gpuBuffer(b!), gpuBuffer(y)],
      ),
    ),
});

/** Relu, Clip and PRelu (a constant slope, one per channel or one for all): UNARY_WGSL. */
export const unaryKernel = defineGpuKernel({
  ops: ['Relu', 'Clip', 'PRelu'],
  needs: 'a constant slope',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const mode = { Relu: 0, Clip: 1, PRelu: 2 }[node.op] as number;
    const slopeT = node.op === 'PRelu' ? inputsByName(node.op, constants).slope : undefined;
    const slope = slopeT ? ctx.storage(Float32Array.from(slopeT.data)) : undefined;
    const lo = f32Bits((node.attrs.min as number | undefined) ?? 0);
    const hi = f32Bits((node.attrs.max as number | undefined) ?? 0);
    return singleCall(ctx, UNARY_WGSL, (call, [x], [y]) =>
      call.record(
        elements(y.shape),
        [elements(y.shape), mode, lo, hi, slopeT ? slopeT.data.length : 1],
        [gpuBuffer(x!), slope ?? ctx.empty, gpuBuffer(y)],
      ),
    );
  },
});
