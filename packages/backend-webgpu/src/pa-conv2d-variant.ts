import { haloFits } from './pa-conv2d-halo-wgsl.js';
import { type PixelsPerInvocation, stagedSteps } from './pa-conv2d-tiled-wgsl.js';

/**
 * Which PAConv2D conv kernel runs a node: 'direct' (pa-conv2d-wgsl.ts: one invocation per
 * pixel and 8 channels, every operand from storage), 'tiled' (pa-conv2d-tiled-wgsl.ts:
 * workgroup tiles of 32 pixels x 32 channels staged in workgroup memory, all M x N plane pairs
 * of a tile in one pass, 2 pixels x 8 channels an invocation) or 'tiled-wide' (the same with
 * 64-pixel tiles, 4 pixels an invocation) or 'halo' (pa-conv2d-halo-wgsl.ts: 8 x 8 output
 * pixels of one image and their input halo staged once in workgroup memory, 4 pixels x 8
 * channels an invocation, the window compiled in; with its own binarize of all N planes of a
 * word per invocation), or 'halo-fused' (the same conv binarizing its halo from the float
 * input itself: one dispatch), or 'dequantized' (pa-conv2d-dequantized.ts: no popcounts; the
 * float conv of the staircase levels Q_a(x) with Q_w dequantized, one dispatch, groups 1).
 * 'auto' (the default) picks by shape, here and nowhere else.
 */
export type PAConvKernelChoice = 'auto' | PAConvKernel;
export type PAConvKernel =
  | 'direct'
  | 'tiled'
  | 'tiled-wide'
  | 'halo'
  | 'halo-fused'
  | 'dequantized';
export const PA_CONV_KERNELS: readonly PAConvKernel[] = [
  'direct',
  'tiled',
  'tiled-wide',
  'halo',
  'halo-fused',
  'dequantized',
];

/** Pixels an invocation of a tiled kernel computes. */
export const pixelsPerInvocation = (kernel: 'tiled' | 'tiled-wide'): PixelsPerInvocation =>
  kernel === 'tiled-wide' ? 4 : 2;

export interface PAConvShape {
  m: number;
  n: number;
  groups: number;
  /** The window, for the halo kernel (compiled per window; without it the halo kernel does not fit). */
  window?: PAConvWindow;
}

/** A PAConv2D's window: kernel size, strides, dilations, input channels (per group). */
export interface PAConvWindow {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  cin: number;
}

/** The halo kernels' limits: groups 1 and a tile's halo of N planes in 16 KiB (haloFits). */
export function haloKernelFits(
  { m, n, groups, window }: PAConvShape,
  kernel: 'halo' | 'halo-fused' = 'halo',
): boolean {
  if (groups !== 1 || !window) return false;
  return haloFits({ ...window, m, n, w32: Math.ceil(window.cin / 32) }, kernel === 'halo-fused');
}

/**
 * A tiled kernel's limits: groups 1, N <= 8 (its unrolled counters; N <= 4 for 'tiled-wide',
 * whose counters per invocation double), M x N staged in 16 KiB.
 */
export function tiledFits(
  { m, n, groups }: PAConvShape,
  kernel: 'tiled' | 'tiled-wide' = 'tiled',
): boolean {
  const ppi = pixelsPerInvocation(kernel);
  return groups === 1 && n * ppi <= 16 && m <= 16 && stagedSteps(m, n, 8, ppi) >= 1;
}

/**
 * From this many plane pairs M x N on, 'auto' takes the dequantized kernel (groups 1): the binary
 * kernels are bound by the popcount rate (reports/webgpu-nvidia.md measures it: on an H100 the
 * fused halo kernel ran (4,5) at 90 % of it and still took 1.3x TF.js's float conv), while the
 * float form's cost does not grow with M x N.
 */
export const DEQUANTIZED_FROM = 12;

/**
 * The kernel for a node: a forced choice where that kernel fits it (else the direct one), else
 * by shape: 'dequantized' from DEQUANTIZED_FROM plane pairs on, else 'halo-fused' wherever it fits (its halo in 16 KiB of workgroup memory), which on an
 * H100 was the fastest or within 2 % of it on every ResNet-18 3x3 layer and M x N it fits at
 * batch 32 (reports/webgpu-nvidia.md times every kernel: (1,1) on 56x56 0.058 ms against
 * 0.160 for 'direct', (2,2) 0.148 against 0.286 for 'tiled', (4,5) 0.620 against 1.040); where
 * it does not fit, tiled from M x N = 4 on, where staging pays (one staged plane word feeds 8 M
 * channels' popcounts and one staged weight word 2 N pixels'), else the direct kernel, whose
 * per-invocation overhead is smaller. 'halo' (its binarize a separate dispatch) is not picked:
 * where 'halo-fused' does not fit, 'tiled' beat it (7x7 (2,2): 0.219 against 0.238 ms).
 */
export function choosePAConvKernel(
  shape: PAConvShape,
  choice: PAConvKernelChoice = 'auto',
): PAConvKernel {
  if (choice === 'direct') return 'direct';
  if (choice === 'dequantized') return shape.groups === 1 ? 'dequantized' : 'direct';
  if (choice === 'halo' || choice === 'halo-fused')
    return haloKernelFits(shape, choice) ? choice : 'direct';
  if (choice === 'tiled' || choice === 'tiled-wide')
    return tiledFits(shape, choice) ? choice : 'direct';
  if (shape.groups === 1 && shape.m * shape.n >= DEQUANTIZED_FROM) return 'dequantized';
  if (haloKernelFits(shape, 'halo-fused')) return 'halo-fused';
  return tiledFits(shape) && shape.m * shape.n >= 4 ? 'tiled' : 'direct';
}
