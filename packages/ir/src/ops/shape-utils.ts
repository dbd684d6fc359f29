import type { DType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { formatShape, type Shape, type TensorInfo } from '../tensor.js';
import type { AttrSpec, Attrs } from './schema.js';

/** -1 marks a dimension only known at run time; it is compatible with any size. */
export const UNKNOWN_DIM = -1;

export function dimsCompatible(a: number, b: number): boolean {
  return a === UNKNOWN_DIM || b === UNKNOWN_DIM || a === b;
}

export function expectRank(info: TensorInfo, rank: number, what: string): void {
  if (info.shape.length !== rank) {
    throw new ShapeError(`${what} must have rank ${rank}, got shape ${formatShape(info.shape)}`);
  }
}

export function expectDim(actual: number, expected: number, what: string): void {
  if (!dimsCompatible(actual, expected)) {
    throw new ShapeError(`${what} must be ${expected}, got ${actual}`);
  }
}

export function expectShape(info: TensorInfo, shape: Shape, what: string): void {
  if (
    info.shape.length !== shape.length ||
    !info.shape.every((d, i) => dimsCompatible(d, shape[i]))
  ) {
    throw new ShapeError(
      `${what} must have shape ${formatShape(shape)}, got ${formatShape(info.shape)}`,
    );
  }
}

export function expectDType(info: TensorInfo, dtype: DType, what: string): void {
  if (info.dtype !== dtype) throw new ShapeError(`${what} must be ${dtype}, got ${info.dtype}`);
}

/** The input at `index`, which the schema says is required. */
export function required(inputs: readonly (TensorInfo | undefined)[], index: number): TensorInfo {
  const info = inputs[index];
  if (!info) throw new ShapeError(`input ${index} is required`);
  return info;
}

/** Attributes shared by convolution and pooling ops (NHWC, 2-D windows). */
export const WINDOW_ATTRS = {
  strides: { type: 'ints', length: 2, min: 1, default: [1, 1], doc: 'step [h, w]' },
  padding: {
    type: 'string',
    oneOf: ['explicit', 'same', 'valid'],
    default: 'explicit',
    doc: "'explicit' uses pads; 'same' pads so out = ceil(in / stride) (extra pad at bottom/right); 'valid' pads nothing",
  },
  pads: {
    type: 'ints',
    length: 4,
    min: 0,
    default: [0, 0, 0, 0],
    doc: 'zero padding [top, left, bottom, right], used when padding is explicit',
  },
} satisfies Record<string, AttrSpec>;

export const DILATION_ATTR = {
  type: 'ints',
  length: 2,
  min: 1,
  default: [1, 1],
  doc: 'spacing between kernel taps [h, w]',
} satisfies AttrSpec;

export interface Window2D {
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
  outH: number;
  outW: number;
}

function samePad(inDim: number, k: number, s: number, d: number): [number, number, number] {
  const out = Math.ceil(inDim / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - inDim, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}

function explicitOut(inDim: number, k: number, s: number, d: number, pad: number): number {
  return Math.floor((inDim + pad - (k - 1) * d - 1) / s) + 1;
}

/**
 * Output size and concrete padding of a 2-D window op. The one place that defines padding
 * semantics, shared by shape inference and every backend's kernels.
 */
export function resolveWindow(
  inH: number,
  inW: number,
  kernel: readonly number[],
  attrs: Attrs,
  dilations: readonly number[] = [1, 1],
): Window2D {
  const [kh, kw] = kernel;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = dilations;
  const mode = attrs.padding as string;
  let pads = [0, 0, 0, 0];
  if (mode === 'explicit') pads = attrs.pads as number[];
  let outH: number;
  let outW: number;
  if (mode === 'same') {
    const [t, b, oh] = samePad(inH, kh, sh, dh);
    const [l, r, ow] = samePad(inW, kw, sw, dw);
    pads = [t, l, b, r];
    outH = oh;
    outW = ow;
  } else {
    outH = explicitOut(inH, kh, sh, dh, pads[0] + pads[2]);
    outW = explicitOut(inW, kw, sw, dw, pads[1] + pads[3]);
  }
  // judged by the input's dims: a window that does not fit can compute an output of exactly
  // -1, which must not pass for "unknown until run time"
  if ((inH !== UNKNOWN_DIM && outH < 1) || (inW !== UNKNOWN_DIM && outW < 1)) {
    throw new ShapeError(
      `window ${kh}x${kw} (dilation ${dh}x${dw}) does not fit input ${inH}x${inW} with pads [${pads.join(', ')}]`,
    );
  }
  if (inH === UNKNOWN_DIM) outH = UNKNOWN_DIM;
  if (inW === UNKNOWN_DIM) outW = UNKNOWN_DIM;
  return {
    padTop: pads[0],
    padLeft: pads[1],
    padBottom: pads[2],
    padRight: pads[3],
    outH,
    outW,
  };
}

/** Numpy-style broadcasting of two shapes (right-aligned). */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else if (da === UNKNOWN_DIM || db === UNKNOWN_DIM) out[i] = Math.max(da, db);
    else {
      throw new ShapeError(`shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
    }
  }
  return out;
}
