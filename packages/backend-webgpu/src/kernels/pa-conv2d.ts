import { defineGpuKernel } from '../gpu-kernel.js';
import { preparePAConv, supportsPAConv } from '../pa-conv2d.js';

/** PAConv2D: binarize into bit-planes, then the XOR/popcount conv with its epilogue (../pa-conv2d.ts). */
export const paConv2dKernel = defineGpuKernel({
  ops: ['PAConv2D'],
  needs: 'constant weights, a per-layer staircase and at most 16 activation planes',
  supports: supportsPAConv,
  prepare: preparePAConv,
});
