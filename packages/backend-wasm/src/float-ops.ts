import {
  type BackendTensor,
  convGeometry,
  foldBatchNorm,
  type KernelNode,
  transposeDense,
} from '@pabnn/backend';
import { resolveWindow, type Tensor } from '@pabnn/ir';
import { CONV_F32_PARAMS, POOL_F32_PARAMS, paramBytes, writeParams } from './param-blocks.js';
import { NS_PER, partsFor } from './split-policy.js';
import { rowCalls, runCalls, type ThreadPool } from './thread-pool.js';
import type { WasmMemory } from './wasm-memory.js';
import type { PAKernels } from './wasm-module.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The float ops this backend runs in wasm (asm/float-ops.ts); the rest fall back to js. */
export const FLOAT_OPS = [
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNorm',
  'Relu',
  'Clip',
  'Add',
  'MaxPool',
  'AvgPool',
  'GlobalAvgPool',
  'Dense',
  'Concat',
];

export type PreparedFloat =
  | {
      kind: 'conv';
      node: KernelNode;
      cout: number;
      kh: number;
      kw: number;
      wt: number;
      bias: number;
      /**
       * f32 [thread][4][kh * kw * cin]: the im2col patches of asm conv2dPatches (one-group
       * convs), or 0.
       */
      patches: number;
      patchBytes: number;
      /** One parameter block per thread: threads split the output rows. */
      params: number;
    }
  | { kind: 'affine'; scale: number; shift: number }
  | { kind: 'relu' }
  | { kind: 'clip'; lo: number; hi: number }
  | { kind: 'add' }
  | { kind: 'pool'; node: KernelNode; params: number }
  | { kind: 'gap' }
  | { kind: 'dense'; wt: number; bias: number; outF: number }
  | { kind: 'concat'; axis: number };

/** Weights (Conv2D, BatchNorm) must be constants; Add takes a same-shape b or a channel vector. */
export function supportsFloat(node: KernelNode, constant: boolean[]): boolean {
  switch (node.op) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'Dense':
      return constant[1] && (node.inputs.length < 3 || !node.inputs[2] || constant[2]);
    case 'BatchNorm':
      return [1, 2, 3, 4].every((i) => constant[i]);
    case 'Relu':
    case 'Clip':
    case 'MaxPool':
    case 'AvgPool':
    case 'GlobalAvgPool':
    case 'Concat':
      return true;
    case 'Add': {
      const [a, b] = node.inputs.map((t) => t?.shape ?? []);
      const same = a.length === b.length && a.every((d, i) => d === b[i]);
      const channels = b.length === 1 && b[0] === a[a.length - 1];
      return same || (channels && size(a) > 0);
    }
    default:
      return false;
  }
}

/** `threads`: how many parts a conv may be split into (its scratch and blocks per thread). */
export function prepareFloat(
  memory: WasmMemory,
  node: KernelNode,
  constants: (Tensor | undefined)[],
  threads = 1,
): PreparedFloat {
  switch (node.op) {
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      const [, w, bias] = constants as Tensor[];
      const [cout, kh, kw, cinG] = w.shape;
      // a depthwise conv (OHWI [C * multiplier, kh, kw, 1]) is the grouped conv with C groups
      const depthwise = node.op === 'DepthwiseConv2D';
      const groups = depthwise
        ? (node.inputs[0]?.shape[3] as number)
        : (node.attrs.groups as number);
      if (depthwise) node = { ...node, attrs: { ...node.attrs, groups } };
      const coutG = cout / groups;
      // OHWI -> [group][ky][kx][cinG][coutG]: output channels innermost, so the kernel's SIMD
      // accumulators read 8 consecutive weights per input channel; with one channel in and out
      // per group (depthwise, multiplier 1) [ky][kx][c]: asm depthwisePixel steps 4 channels
      const src = w.data as Float32Array;
      const wt = new Float32Array(src.length);
      const taps = kh * kw;
      if (cinG === 1 && coutG === 1) {
        for (let o = 0; o < cout; o++)
          for (let t = 0; t < taps; t++) wt[t * cout + o] = src[o * taps + t];
      } else
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / coutG);
          const og = o - g * coutG;
          for (let t = 0; t < kh * kw; t++)
            for (let c = 0; c < cinG; c++)
              wt[((g * kh * kw + t) * cinG + c) * coutG + og] = src[(o * kh * kw + t) * cinG + c];
        }
      return {
        kind: 'conv',
        node,
        cout,
        kh,
        kw,
        wt: memory.put(wt),
        bias: bias ? memory.put(Float32Array.from(bias.data)) : 0,
        patches: groups === 1 ? memory.alloc(threads * 4 * kh * kw * cinG * 4) : 0,
        patchBytes: 4 * kh * kw * cinG * 4,
        params: memory.alloc(threads * paramBytes(CONV_F32_PARAMS)),
      };
    }
    case 'BatchNorm': {
      const { scale, shift } = foldBatchNorm(
        constants.slice(1, 5) as Tensor[],
        node.attrs.epsilon as number,
      );
      return { kind: 'affine', scale: memory.put(scale), shift: memory.put(shift) };
    }
    case 'Relu':
      return { kind: 'relu' };
    case 'Clip':
      return { kind: 'clip', lo: node.attrs.min as number, hi: node.attrs.max as number };
    case 'MaxPool':
    case 'AvgPool':
      return { kind: 'pool', node, params: memory.alloc(paramBytes(POOL_F32_PARAMS)) };
    case 'GlobalAvgPool':
      return { kind: 'gap' };
    case 'Dense': {
      const [, w, bias] = constants as Tensor[];
      return {
        kind: 'dense',
        wt: memory.put(transposeDense(w)),
        bias: bias ? memory.put(Float32Array.from(bias.data)) : 0,
        outF: w.shape[0],
      };
    }
    case 'Concat': {
      const rank = node.outputs[0].shape.length;
      const axis = node.attrs.axis as number;
      return { kind: 'concat', axis: axis < 0 ? axis + rank : axis };
    }
    default:
      return { kind: 'add' };
  }
}

export function runFloat(
  kernels: PAKernels,
  memory: WasmMemory,
  p: PreparedFloat,
  inputs: (BackendTensor | undefined)[],
  out: BackendTensor,
  offsetOf: (t: BackendTensor) => number,
  pool?: ThreadPool,
): void {
  const x = inputs[0] as BackendTensor;
  switch (p.kind) {
    case 'conv': {
      const geometry = convGeometry(p.node.attrs, x.shape, p.cout, p.kh, p.kw);
      const calls = rowCalls(
        'conv2dF32',
        p.params,
        paramBytes(CONV_F32_PARAMS),
        geometry.batch * geometry.outH,
        partsFor(
          geometry.batch *
            geometry.outH *
            geometry.outW *
            geometry.cout *
            geometry.kh *
            geometry.kw *
            (geometry.cin / geometry.groups) *
            NS_PER.floatMac,
          geometry.batch * geometry.outH,
          pool,
        ),
        (t, at, rowBegin, rowEnd) =>
          writeParams(memory.memory, at, CONV_F32_PARAMS, {
            ...geometry,
            x: offsetOf(x),
            weights: p.wt,
            bias: p.bias,
            y: offsetOf(out),
            patches: p.patches && p.patches + t * p.patchBytes,
            rowBegin,
            rowEnd,
          }),
      );
      runCalls(kernels, calls, pool);
      return;
    }
    case 'affine': {
      const c = x.shape[x.shape.length - 1];
      kernels.affineF32(offsetOf(x), p.scale, p.shift, size(x.shape) / c, c, offsetOf(out));
      return;
    }
    case 'relu':
      kernels.reluF32(offsetOf(x), size(x.shape), offsetOf(out));
      return;
    case 'add': {
      const b = inputs[1] as BackendTensor;
      kernels.addF32(offsetOf(x), offsetOf(b), size(x.shape), size(b.shape), offsetOf(out));
      return;
    }
    case 'clip':
      kernels.clipF32(offsetOf(x), size(x.shape), p.lo, p.hi, offsetOf(out));
      return;
    case 'pool': {
      const [batch, inH, inW, c] = x.shape;
      const attrs = p.node.attrs;
      const [kh, kw] = attrs.kernelShape as number[];
      const [sh, sw] = attrs.strides as number[];
      const win = resolveWindow(inH, inW, [kh, kw], attrs);
      const mode = p.node.op === 'MaxPool' ? 0 : attrs.countIncludePad ? 2 : 1;
      writeParams(memory.memory, p.params, POOL_F32_PARAMS, {
        batch,
        inH,
        inW,
        c,
        kh,
        kw,
        sh,
        sw,
        padTop: win.padTop,
        padLeft: win.padLeft,
        outH: out.shape[1],
        outW: out.shape[2],
        mode,
        x: offsetOf(x),
        y: offsetOf(out),
      });
      kernels.poolF32(p.params);
      return;
    }
    case 'gap': {
      const [batch, h, w, c] = x.shape;
      kernels.globalAvgPoolF32(offsetOf(x), batch, h * w, c, offsetOf(out));
      return;
    }
    case 'dense': {
      const [batch, inF] = x.shape;
      kernels.denseF32(offsetOf(x), p.wt, p.bias, batch, inF, p.outF, offsetOf(out));
      return;
    }
    case 'concat': {
      // row copies inside linear memory: outer rows of each input's slice along the axis
      const bytes = new Uint8Array(memory.memory.buffer);
      const shape = out.shape;
      const outer = shape.slice(0, p.axis).reduce((a, d) => a * d, 1);
      const inner = shape.slice(p.axis + 1).reduce((a, d) => a * d, 1) * 4;
      const rowOut = shape[p.axis] * inner;
      const dst = offsetOf(out);
      let at = 0;
      for (const t of inputs as BackendTensor[]) {
        const row = t.shape[p.axis] * inner;
        const src = offsetOf(t);
        for (let o = 0; o < outer; o++)
          bytes.copyWithin(dst + o * rowOut + at, src + o * row, src + (o + 1) * row);
        at += row;
      }
      return;
    }
  }
}
