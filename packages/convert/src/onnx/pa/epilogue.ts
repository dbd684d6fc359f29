import { attrMap } from '../onnx-values.js';
import type { NodeProto } from '../proto.js';
import { channelConstant, nodeWhere, type OnnxGraphView, PatternMismatch } from './onnx-graph.js';

/** A PA conv's epilogue act(scale * conv + bias), read after the Conv. */
export interface ReadEpilogue {
  scale?: Float32Array;
  bias?: Float32Array;
  activation: 'none' | 'relu' | 'hardtanh';
  nodes: NodeProto[];
  /** The last node of the pattern: its output is the PAConv2D's. */
  last: NodeProto;
}

/** The constant operand of a binary node reading `value`, broadcast to `cout` values. */
function constantOperand(view: OnnxGraphView, node: NodeProto, value: string, cout: number) {
  const ins = (node.input ?? []).map((s) => s ?? '');
  const other = ins.find((v) => v !== value);
  if (ins.length !== 2 || other === undefined || !view.inits.has(other)) return undefined;
  const init = view.inits.get(other)!;
  if (!(init.values instanceof Float32Array)) return undefined;
  try {
    const { values, perChannel } = channelConstant(
      init as typeof init & { values: Float32Array },
      `${nodeWhere(node)} constant`,
    );
    if (perChannel && values.length !== cout) return undefined;
    return Float32Array.from({ length: cout }, (_, ch) => values[perChannel ? ch : 0]);
  } catch (error) {
    if (error instanceof PatternMismatch) return undefined;
    throw error;
  }
}

/** Whether a Clip node bounds to exactly [-1, 1] (attributes before opset 11, inputs after). */
function isHardtanh(view: OnnxGraphView, clip: NodeProto): boolean {
  const at = attrMap(clip);
  const bound = (i: number, attr: string) => {
    const name = clip.input?.[i];
    if (name) {
      const init = view.inits.get(name);
      return init?.values instanceof Float32Array && init.values.length === 1
        ? init.values[0]
        : Number.NaN;
    }
    return at.has(attr) ? at.float(attr, Number.NaN) : Number.NaN;
  };
  return bound(1, 'min') === -1 && bound(2, 'max') === 1;
}

/**
 * Reads the optional epilogue after a PA conv (PA-ONNX.md, Epilogue): Mul by a constant
 * (scale), Add of a constant (bias), then Relu or Clip(-1, 1) (hardtanh), each taken only when
 * the value before it has no other reader. A Conv bias is folded into the bias.
 */
export function readEpilogue(
  view: OnnxGraphView,
  conv: NodeProto,
  cout: number,
  convBias: Float32Array | undefined,
): ReadEpilogue {
  const nodes: NodeProto[] = [];
  let last = conv;
  let scale: Float32Array | undefined;
  let bias: Float32Array | undefined;
  const follow = (op: string) => {
    const value = last.output?.[0] ?? '';
    const next = view.soleReader(value);
    return next?.opType === op ? { next, value } : undefined;
  };
  const mul = follow('Mul');
  const s = mul && constantOperand(view, mul.next, mul.value, cout);
  if (mul && s) {
    scale = s;
    nodes.push(mul.next);
    last = mul.next;
  }
  const add = follow('Add');
  const b = add && constantOperand(view, add.next, add.value, cout);
  if (add && b) {
    bias = b;
    nodes.push(add.next);
    last = add.next;
  }
  if (convBias) {
    const folded = new Float32Array(cout);
    for (let ch = 0; ch < cout; ch++)
      folded[ch] = (scale ? scale[ch] : 1) * convBias[ch] + (bias ? bias[ch] : 0);
    bias = folded;
  }
  let activation: ReadEpilogue['activation'] = 'none';
  const relu = follow('Relu');
  const clip = relu ? undefined : follow('Clip');
  if (relu) activation = 'relu';
  else if (clip && isHardtanh(view, clip.next)) activation = 'hardtanh';
  const act = relu ?? (activation === 'hardtanh' ? clip : undefined);
  if (act) {
    nodes.push(act.next);
    last = act.next;
  }
  return { scale, bias, activation, nodes, last };
}
