import { type Graph, type Node, type Tensor, tensor } from '@pabnn/ir';

/** PAConv2D's optional epilogue inputs (the op schema, @pabnn/ir ops/conv.ts). */
const SCALE = 6;
const BIAS = 7;
/** Conv2D's weight [Cout, kh, kw, C / groups] and optional bias [Cout]. */
const WEIGHT = 1;
const CONV_BIAS = 2;

/**
 * Folds each BatchNorm that only rescales a conv's output into that conv, so a block runs one
 * node instead of two. With g = gamma / sqrt(variance + epsilon), BatchNorm(y) is
 * g * (y - mean) + beta per channel, so:
 * - after a PAConv2D, act(scale * conv + bias) with act = none (docs/PA-METHOD.md), it is the
 *   PAConv2D with scale' = g * scale and bias' = g * (bias - mean) + beta;
 * - after a float Conv2D (the stem, XNOR's downsampling), it is the Conv2D with each output
 *   channel's weights times g and bias' = g * (bias - mean) + beta.
 * The same function up to float rounding (the folded constants are computed in float64). A
 * pair is folded only when the BatchNorm's parameters and the conv's folded inputs are
 * constants and nothing else reads the conv's output. Returns `graph` itself when nothing
 * folds; otherwise a new graph (the input graph and its constants are not changed) whose conv
 * writes the BatchNorm's output.
 */
export function foldBatchNorm(graph: Graph): Graph {
  const readers = new Map<string, number>();
  for (const n of graph.nodes) for (const v of n.inputs) readers.set(v, (readers.get(v) ?? 0) + 1);
  const outputs = new Set(graph.outputs);
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const v of n.outputs) producer.set(v, n);
  const isConstant = (v: string | undefined) =>
    v === undefined || v === '' || graph.constants.has(v);

  const constants = new Map(graph.constants);
  const replaced = new Map<Node, Node>(); // conv -> folded conv
  const dropped = new Set<Node>(); // the folded BatchNorms
  for (const bn of graph.nodes) {
    if (bn.op !== 'BatchNorm' || !bn.inputs.slice(1).every((v) => graph.constants.has(v))) continue;
    const x = bn.inputs[0];
    const conv = producer.get(x);
    if (!conv || replaced.has(conv) || readers.get(x) !== 1 || outputs.has(x)) continue;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((v) => graph.constants.get(v)!);
    const eps = (bn.attrs.epsilon as number | undefined) ?? 1e-5;
    const c = gamma.data.length;
    const g = Float64Array.from(gamma.data, (v, o) => v / Math.sqrt(variance.data[o] + eps));
    const put = (base: string, t: Tensor) => {
      // a new name: the old constants may be shared with other nodes
      const name = uniqueName(constants, `${conv.name}.${base}`);
      constants.set(name, t);
      return name;
    };
    /** g * (bias - mean) + beta, a bias of `bias` or none. */
    const foldedBias = (bias: Tensor | undefined) =>
      tensor(
        'float32',
        [c],
        Float32Array.from(
          g,
          (go, o) => go * ((bias ? bias.data[o] : 0) - mean.data[o]) + beta.data[o],
        ),
      );
    const inputs = [...conv.inputs];
    if (conv.op === 'PAConv2D') {
      if ((conv.attrs.activation ?? 'none') !== 'none') continue;
      if (!isConstant(conv.inputs[SCALE]) || !isConstant(conv.inputs[BIAS])) continue;
      const scale = conv.inputs[SCALE] ? graph.constants.get(conv.inputs[SCALE]) : undefined;
      const bias = conv.inputs[BIAS] ? graph.constants.get(conv.inputs[BIAS]) : undefined;
      if ((scale && scale.data.length !== c) || (bias && bias.data.length !== c)) continue;
      while (inputs.length < BIAS + 1) inputs.push('');
      const folded = Float32Array.from(g, (go, o) => go * (scale ? scale.data[o] : 1));
      inputs[SCALE] = put('folded_scale', tensor('float32', [c], folded));
      inputs[BIAS] = put('folded_bias', foldedBias(bias));
    } else if (conv.op === 'Conv2D') {
      const weight = graph.constants.get(conv.inputs[WEIGHT]);
      if (!weight || !isConstant(conv.inputs[CONV_BIAS]) || weight.shape[0] !== c) continue;
      const bias = conv.inputs[CONV_BIAS] ? graph.constants.get(conv.inputs[CONV_BIAS]) : undefined;
      if (bias && bias.data.length !== c) continue;
      const per = weight.data.length / c; // one output channel's weights are contiguous
      const folded = Float32Array.from(weight.data, (w, i) => w * g[Math.floor(i / per)]);
      while (inputs.length < CONV_BIAS + 1) inputs.push('');
      inputs[WEIGHT] = put('folded_weight', tensor('float32', [...weight.shape], folded));
      inputs[CONV_BIAS] = put('folded_bias', foldedBias(bias));
    } else {
      continue;
    }
    replaced.set(conv, { ...conv, inputs, outputs: [...bn.outputs] });
    dropped.add(bn);
  }
  if (dropped.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n),
    constants,
  };
}

function uniqueName(taken: Map<string, unknown>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}
