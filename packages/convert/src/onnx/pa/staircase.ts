import type { NodeProto } from '../proto.js';
import { channelConstant, nodeWhere, type OnnxGraphView, PatternMismatch } from './onnx-graph.js';

/** An activation staircase read from ONNX: thresholds [N] or [C, N], levels [N + 1] or [C, N + 1]. */
export interface ReadStaircase {
  /** The ONNX value it binarizes. */
  x: string;
  bases: number;
  /** Input channels when per channel, else 0. */
  channels: number;
  thresholds: Float32Array;
  levels: Float32Array;
  nodes: NodeProto[];
}

/** A float32 as its shortest decimal (7 significant digits). */
const short = (v: number) => Number(v.toPrecision(7));

/**
 * Reads Q_a(x) written as q_0 = v_0, q_j = Where(GreaterOrEqual(x, t_j), v_j, q_{j-1}),
 * ending at `q` (PA-ONNX.md, Activations). Thresholds must ascend (then the last threshold x
 * reaches picks the level, k = #{j : x >= t_j}, as PAConv2D defines it).
 */
export function readStaircase(view: OnnxGraphView, q: string, reader: NodeProto): ReadStaircase {
  const steps: { t: Float32Array; tPer: boolean; v: Float32Array; vPer: boolean }[] = [];
  const nodes: NodeProto[] = [];
  let x: string | undefined;
  let cur = q;
  let next = reader;
  for (;;) {
    const where = view.producedBy(cur, 'Where');
    if (!where) break;
    if (nodes.includes(where))
      throw new PatternMismatch(`${nodeWhere(where)} reads its own output`);
    view.internal(cur, next, 'the staircase value');
    const [cond, vj, prev] = (where.input ?? []).map((s) => s ?? '');
    const ge = view.producedBy(cond, 'GreaterOrEqual');
    if (!ge)
      throw new PatternMismatch(
        `${nodeWhere(where)}: its condition is not a GreaterOrEqual(x, threshold)`,
      );
    view.internal(cond, where, 'the comparison');
    if (view.opset < 12)
      throw new PatternMismatch(`${nodeWhere(ge)}: GreaterOrEqual needs opset 12 or later`);
    const [xj, tj] = (ge.input ?? []).map((s) => s ?? '');
    if (view.inits.has(xj) || (x !== undefined && xj !== x))
      throw new PatternMismatch(
        `${nodeWhere(ge)}: every comparison of one staircase must read the same runtime value`,
      );
    x = xj;
    const t = channelConstant(view.floatInit(tj, `${nodeWhere(ge)} threshold`), 'the threshold');
    const v = channelConstant(view.floatInit(vj, `${nodeWhere(where)} level`), 'the level');
    steps.unshift({ t: t.values, tPer: t.perChannel, v: v.values, vPer: v.perChannel });
    nodes.push(where, ge);
    next = where;
    cur = prev;
  }
  if (x === undefined) throw new PatternMismatch(`'${q}' is not produced by a Where chain`);
  const v0 = channelConstant(view.floatInit(cur, 'the lowest level (v_0)'), 'the lowest level');
  const n = steps.length;
  const sizes = [v0.perChannel ? v0.values.length : 0];
  for (const s of steps) sizes.push(s.tPer ? s.t.length : 0, s.vPer ? s.v.length : 0);
  const channels = Math.max(...sizes);
  if (sizes.some((s) => s !== 0 && s !== channels))
    throw new PatternMismatch('thresholds and levels have different channel counts');
  const rows = Math.max(channels, 1);
  const at = (values: Float32Array, per: boolean, ch: number) => values[per ? ch : 0];
  const thresholds = new Float32Array(rows * n);
  const levels = new Float32Array(rows * (n + 1));
  for (let ch = 0; ch < rows; ch++) {
    levels[ch * (n + 1)] = at(v0.values, v0.perChannel, ch);
    steps.forEach((s, j) => {
      thresholds[ch * n + j] = at(s.t, s.tPer, ch);
      levels[ch * (n + 1) + j + 1] = at(s.v, s.vPer, ch);
      if (j > 0 && !(thresholds[ch * n + j - 1] <= thresholds[ch * n + j]))
        throw new PatternMismatch(
          `thresholds must ascend along the chain (channel ${ch}: t_${j} = ${short(thresholds[ch * n + j - 1])} > t_${j + 1} = ${short(thresholds[ch * n + j])})`,
        );
    });
  }
  return { x, bases: n, channels, thresholds, levels, nodes };
}
