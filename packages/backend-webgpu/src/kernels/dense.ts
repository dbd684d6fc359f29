import { hasConstantParameters, inputsByName, transposeDense } from '@pabnn/backend';
import { DENSE_WGSL } from '../float-ops-wgsl.js';
import { defineGpuKernel, elements, gpuBuffer, singleCall } from '../gpu-kernel.js';

/** y = x W^T + bias with constant W (DENSE_WGSL on the transposed weights). */
export const denseKernel = defineGpuKernel({
  ops: ['Dense'],
  needs: 'constant weight and bias',
  supports: hasConstantParameters,
  prepare(ctx, node, constants) {
    const { weight, bias } = inputsByName(node.op, constants);
    const [outF, inF] = weight!.shape;
    const wt = ctx.storage(transposeDense(weight!));
    const b = bias ? ctx.storage(Float32Array.from(bias.data)) : undefined;
    return singleCall(ctx, DENSE_WGSL, (call, [x], [y]) =>
      call.record(
        elements(y.shape),
        [elements(y.shape), inF, outF, b ? 1 : 0],
        [gpuBuffer(x!), wt, b ?? ctx.empty, gpuBuffer(y)],
      ),
    );
  },
});
