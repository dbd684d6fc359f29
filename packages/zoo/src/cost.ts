import { type Graph, validateGraph } from '@pabnn/ir';

export interface ModelCost {
  /** Logical parameters: every weight once, whatever its precision (BN counted as scale + shift). */
  params: number;
  /** Of those, weights stored as binary bases. */
  binaryParams: number;
  /** Storage: 32 bits per float parameter, 1 bit per binary weight per base, float coefficients. */
  memoryBits: number;
  memoryMbit: number;
  memoryBytes: number;
  /** Multiply-accumulates of float layers (convs, dense, PA epilogues), batch 1. */
  flops: number;
  /** Binary MACs: M * N per PA conv MAC. */
  bops: number;
  /** FLOPs + BOPs / 64 (Bi-Real Net / XNOR-Net convention). */
  ops: number;
}

/**
 * The cost of an IR graph at batch 1, by the cost conventions of docs/PA-METHOD.md:
 * - Conv2D, DepthwiseConv2D, Dense: MACs are FLOPs; weights and biases are 32-bit params.
 * - BatchNorm: 2 params per channel (the scale and shift it folds into at inference), no FLOPs.
 * - PAConv2D: kh*kw*Cin/g*Cout weights stored as M bits each plus float a_m and c_w per
 *   channel; M*N binary MACs per MAC (BOPs); its epilogue adds (M*N + 3) FLOPs per output
 *   (combining the M*N popcounts, two border corrections, scale and bias); activation
 *   thresholds and levels are float parameters.
 * - Everything else (ReLU, pooling, Add, Concat) is free.
 */
export function costOf(graph: Graph): ModelCost {
  const { order, values } = atBatchOne(graph);
  const size = (name: string) => values.get(name)!.shape.reduce((a, b) => a * b, 1);
  let params = 0; // logical: each weight once
  let floatStored = 0; // values stored as 32-bit floats
  let binaryParams = 0;
  let binaryBits = 0;
  let flops = 0;
  let bops = 0;
  for (const { node, attrs } of order) {
    const outputs = size(node.outputs[0]);
    const has = (i: number) => node.inputs[i] !== undefined && node.inputs[i] !== '';
    switch (node.op) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [cout, kh, kw, cinG] = values.get(node.inputs[1])!.shape;
        const p = cout * kh * kw * cinG + (has(2) ? cout : 0);
        params += p;
        floatStored += p;
        flops += outputs * kh * kw * cinG;
        break;
      }
      case 'Dense': {
        const [o, i] = values.get(node.inputs[1])!.shape;
        const p = o * i + (has(2) ? o : 0);
        params += p;
        floatStored += p;
        flops += outputs * i;
        break;
      }
      case 'BatchNorm':
      case 'PRelu': {
        const p = (node.op === 'BatchNorm' ? 2 : 1) * size(node.inputs[1]);
        params += p;
        floatStored += p;
        break;
      }
      case 'PAConv2D': {
        const m = attrs.weightBases as number;
        const n = attrs.activationBases as number;
        const [, cout, kh, kw, cinG] = values.get(node.inputs[1])!.shape;
        const weights = cout * kh * kw * cinG;
        const epilogue = (has(6) ? cout : 0) + (has(7) ? cout : 0);
        params += weights + epilogue;
        binaryParams += weights;
        binaryBits += m * weights;
        // a_m and c_w per channel, activation thresholds and levels, scale and bias
        floatStored += cout * (m + 1) + size(node.inputs[4]) + size(node.inputs[5]) + epilogue;
        bops += m * n * outputs * kh * kw * cinG;
        flops += outputs * (m * n + 3);
        break;
      }
    }
  }
  const memoryBits = 32 * floatStored + binaryBits;
  return {
    params,
    binaryParams,
    memoryBits,
    memoryMbit: memoryBits / 1e6,
    memoryBytes: Math.ceil(memoryBits / 8),
    flops,
    bops,
    ops: flops + bops / 64,
  };
}

/** The graph's nodes in order and its value shapes, with a dynamic batch set to 1. */
function atBatchOne(graph: Graph) {
  return validateGraph({
    ...graph,
    inputs: graph.inputs.map((i) => ({
      ...i,
      shape: i.shape.map((d, k) => (k === 0 && d === -1 ? 1 : d)),
    })),
  });
}

/**
 * Multiply-accumulates of each binarized conv (PAConv2D) at batch 1, by node name: the layer
 * costs M x N times this in binary MACs (per-layer bases, docs/PA-METHOD.md).
 */
export function binaryConvMacs(graph: Graph): Record<string, number> {
  const { order, values } = atBatchOne(graph);
  const macs: Record<string, number> = {};
  for (const { node } of order) {
    if (node.op !== 'PAConv2D') continue;
    const [, , kh, kw, cinG] = values.get(node.inputs[1])!.shape;
    const outputs = values.get(node.outputs[0])!.shape.reduce((a, b) => a * b, 1);
    macs[node.name] = outputs * kh * kw * cinG;
  }
  return macs;
}
