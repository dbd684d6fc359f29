import { stagedSteps } from './pa-conv2d-tiled-wgsl.js';

/**
 * Which PAConv2D conv kernel runs a node: 'direct' (pa-conv2d-wgsl.ts: one invocation per
 * pixel and 8 channels, every operand from storage) or 'tiled' (pa-conv2d-tiled-wgsl.ts:
 * workgroup tiles of 32 pixels x 32 channels staged in workgroup memory, all M x N plane pairs
 * of a tile in one pass). 'auto' (the default) picks by shape, here and nowhere else.
 */
export type PAConvKernelChoice = 'auto' | 'direct' | 'tiled';

export interface PAConvShape {
  m: number;
  n: number;
  groups: number;
}

/** The tiled kernel's limits: groups 1, N <= 8 (its unrolled counters), M x N staged in 16 KiB. */
export function tiledFits({ m, n, groups }: PAConvShape): boolean {
  return groups === 1 && n <= 8 && m <= 16 && stagedSteps(m, n) >= 1;
}

/**
 * The kernel for a node: a forced choice where the tiled kernel fits it, else by shape: tiled
 * from M x N = 4 on, where staging pays (one staged plane word feeds 8 M channels' popcounts
 * and one staged weight word 2 N pixels'); single-base layers keep the direct kernel, whose
 * per-invocation overhead is smaller (reports/webgpu-nvidia.md times both).
 */
export function choosePAConvKernel(
  shape: PAConvShape,
  choice: PAConvKernelChoice = 'auto',
): 'direct' | 'tiled' {
  if (!tiledFits(shape) || choice === 'direct') return 'direct';
  if (choice === 'tiled') return 'tiled';
  return shape.m * shape.n >= 4 ? 'tiled' : 'direct';
}
