/**
 * Which kernel runs a float Conv2D: 'direct' (float-ops-wgsl.ts CONV_F32_WGSL: one invocation
 * per pixel and 4 channels, every operand from storage; any groups, DepthwiseConv2D too) or
 * 'tiled' (float-conv-tiled-wgsl.ts: 128 or 64 pixels x 64 channels a workgroup, staged in
 * workgroup memory; groups 1). 'auto' (the default): tiled wherever it takes the node.
 */
export type FloatConvKernelChoice = 'auto' | 'direct' | 'tiled';
export const FLOAT_CONV_KERNEL_CHOICES: readonly FloatConvKernelChoice[] = [
  'auto',
  'direct',
  'tiled',
];

export function chooseFloatConvKernel(
  groups: number,
  choice: FloatConvKernelChoice = 'auto',
): 'direct' | 'tiled' {
  return choice !== 'direct' && groups === 1 ? 'tiled' : 'direct';
}
