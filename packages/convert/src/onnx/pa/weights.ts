import { permute } from '@pabnn/ir';
import { packBits } from '@pabnn/quantizer';
import type { Initializer } from '../onnx-values.js';
import type { NodeProto } from '../proto.js';
import { nodeWhere, type OnnxGraphView, PatternMismatch } from './onnx-graph.js';

/** The most weight bases a dequantized weight is refitted to (levels per channel - 1). */
export const MAX_REFIT_BASES = 16;

/** PAConv2D weights read from ONNX: packed bits [M, O, kh, kw, I], scales [O, M], offset [O]. */
export interface ReadWeights {
  bases: number;
  /** OHWI. */
  shape: [number, number, number, number];
  bits: Uint32Array;
  scales: Float32Array;
  offset: Float32Array;
  nodes: NodeProto[];
}

/**
 * A constant broadcast over the weight's output-channel axis: one value (every dim 1) or
 * [O, 1, 1, 1]; returns O values.
 */
function perOutputChannel(init: Initializer & { values: Float32Array }, o: number, what: string) {
  const dims = [...Array(Math.max(0, 4 - init.dims.length)).fill(1), ...init.dims];
  if (dims.length === 4 && dims.every((d) => d === 1))
    return new Float32Array(o).fill(init.values[0]);
  if (dims.length === 4 && dims[0] === o && dims.slice(1).every((d) => d === 1))
    return Float32Array.from(init.values);
  throw new PatternMismatch(
    `${what} has shape [${init.dims.join(', ')}]; only one value or [O, 1, 1, 1]`,
  );
}

/**
 * Reads a PA conv's weight input: the planes form Sum(offset, Mul(plane_m, scale_m), ...)
 * (exact) or one float initializer Q_w, refitted to a staircase (PA-ONNX.md, Weights).
 */
export function readWeights(view: OnnxGraphView, w: string, conv: NodeProto): ReadWeights {
  if (view.inits.has(w)) return refitWeights(view.floatInit(w, 'the Conv weight'), w);
  const sum = view.producedBy(w, 'Sum');
  if (!sum)
    throw new PatternMismatch(
      `the Conv weight '${w}' is neither a float initializer nor Sum(offset, Mul(plane, scale), ...)`,
    );
  view.internal(w, conv, 'the weight');
  const nodes: NodeProto[] = [sum];
  let offsetInit: (Initializer & { values: Float32Array }) | undefined;
  const planes: {
    plane: Initializer & { values: Float32Array };
    scale: Initializer & { values: Float32Array };
  }[] = [];
  for (const term of (sum.input ?? []).map((s) => s ?? '')) {
    if (view.inits.has(term)) {
      if (offsetInit) throw new PatternMismatch(`${nodeWhere(sum)} adds more than one constant`);
      offsetInit = view.floatInit(term, 'the weight offset');
      continue;
    }
    const mul = view.producedBy(term, 'Mul');
    if (!mul) throw new PatternMismatch(`${nodeWhere(sum)}: '${term}' is not a Mul(plane, scale)`);
    view.internal(term, sum, 'the weight term');
    if (mul.input?.length !== 2) throw new PatternMismatch(`${nodeWhere(mul)} needs two inputs`);
    const [a, b] = mul.input.map((s) => view.floatInit(s ?? '', `${nodeWhere(mul)} input`));
    const [plane, scale] =
      a.dims.length === 4 && a.values.length >= b.values.length ? [a, b] : [b, a];
    if (plane.dims.length !== 4 || !plane.values.every((v) => v === 1 || v === -1))
      throw new PatternMismatch(`${nodeWhere(mul)}: the plane must be a 4-D tensor of +1 and -1`);
    planes.push({ plane, scale });
    nodes.push(mul);
  }
  if (!offsetInit || planes.length === 0)
    throw new PatternMismatch(`${nodeWhere(sum)} needs one offset and at least one plane term`);
  const [o, i, kh, kw] = planes[0].plane.dims;
  if (planes.some((p) => p.plane.dims.join() !== planes[0].plane.dims.join()))
    throw new PatternMismatch(`${nodeWhere(sum)}: the planes must share one shape`);
  const offset = perOutputChannel(offsetInit, o, `${nodeWhere(sum)} offset`);
  const planeScales = planes.map((p) => perOutputChannel(p.scale, o, `${nodeWhere(sum)} scale`));
  const m = planes.length;
  const size = o * i * kh * kw;
  const flags = new Uint8Array(m * size);
  planes.forEach(({ plane }, j) => {
    const ohwi = permute(plane.values, [o, i, kh, kw], [0, 2, 3, 1]);
    for (let e = 0; e < size; e++) flags[j * size + e] = ohwi[e] < 0 ? 1 : 0;
  });
  const scales = new Float32Array(o * m);
  for (let ch = 0; ch < o; ch++)
    for (let j = 0; j < m; j++) scales[ch * m + j] = planeScales[j][ch];
  return {
    bases: m,
    shape: [o, kh, kw, i],
    bits: packBits(flags, [m, o, kh, kw, i]),
    scales,
    offset,
    nodes,
  };
}

/**
 * A dequantized weight as a staircase per output channel: its distinct values u_0 < ... < u_L
 * are the levels, so a_m = (u_m - u_{m-1}) / 2, c = (u_0 + u_L) / 2 and plane m is
 * sign(w - u_m) (docs/PA-METHOD.md, The staircase quantizer). M is the largest L over the
 * channels; a channel with fewer levels gets zero coefficients for the rest.
 */
function refitWeights(init: { dims: number[]; values: Float32Array }, name: string): ReadWeights {
  if (init.dims.length !== 4) throw new PatternMismatch(`the Conv weight '${name}' is not 4-D`);
  const [o, i, kh, kw] = init.dims;
  const inner = i * kh * kw;
  const ohwi = permute(init.values, init.dims, [0, 2, 3, 1]);
  const levels: number[][] = [];
  for (let ch = 0; ch < o; ch++) {
    const u = [...new Set(ohwi.subarray(ch * inner, (ch + 1) * inner))].sort((a, b) => a - b);
    if (u.length - 1 > MAX_REFIT_BASES || u.some((v) => !Number.isFinite(v)))
      throw new PatternMismatch(
        `the Conv weight '${name}' has ${u.length} distinct values in output channel ${ch}; a PA weight has at most ${MAX_REFIT_BASES + 1} finite ones`,
      );
    levels.push(u);
  }
  const m = Math.max(1, ...levels.map((u) => u.length - 1));
  const flags = new Uint8Array(m * o * inner);
  const scales = new Float32Array(o * m);
  const offset = new Float32Array(o);
  levels.forEach((u, ch) => {
    offset[ch] = (u[0] + u[u.length - 1]) / 2;
    for (let j = 1; j < u.length; j++) scales[ch * m + j - 1] = (u[j] - u[j - 1]) / 2;
    for (let e = 0; e < inner; e++) {
      const w = ohwi[ch * inner + e];
      for (let j = 1; j < u.length; j++) if (w < u[j]) flags[((j - 1) * o + ch) * inner + e] = 1;
    }
  });
  return {
    bases: m,
    shape: [o, kh, kw, i],
    bits: packBits(flags, [m, o, kh, kw, i]),
    scales,
    offset,
    nodes: [],
  };
}
