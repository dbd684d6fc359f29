import type { Initializer } from '../onnx-values.js';
import type { ModelProto, NodeProto } from '../proto.js';

type GraphProto = NonNullable<ModelProto['graph']>;

/** Why a PA pattern was not recognized; the message names the node and what it lacks. */
export class PatternMismatch extends Error {}

/** Producers, readers and initializers of an ONNX graph, for matching the PA pattern. */
export class OnnxGraphView {
  readonly producer = new Map<string, NodeProto>();
  readonly readers = new Map<string, NodeProto[]>();
  readonly outputs: Set<string>;

  constructor(
    graph: GraphProto,
    readonly inits: Map<string, Initializer>,
    readonly opset: number,
  ) {
    for (const n of graph.node ?? []) {
      for (const o of n.output ?? []) if (o) this.producer.set(o, n);
      for (const v of n.input ?? [])
        if (v) this.readers.set(v, [...(this.readers.get(v) ?? []), n]);
    }
    this.outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  }

  /** The node that produces `value` with this op type, or undefined. */
  producedBy(value: string, op: string): NodeProto | undefined {
    const p = this.producer.get(value);
    return p?.opType === op ? p : undefined;
  }

  /** The only reader of an internal value (not a graph output), or undefined. */
  soleReader(value: string): NodeProto | undefined {
    const r = this.readers.get(value) ?? [];
    return r.length === 1 && !this.outputs.has(value) ? r[0] : undefined;
  }

  /** Requires `value` to be read by `node` alone (it is consumed into the PAConv2D). */
  internal(value: string, node: NodeProto, what: string): void {
    if (this.soleReader(value) !== node)
      throw new PatternMismatch(`${what} '${value}' is read by other nodes or is a graph output`);
  }

  floatInit(value: string, what: string): Initializer & { values: Float32Array } {
    const init = this.inits.get(value);
    if (!init || !(init.values instanceof Float32Array))
      throw new PatternMismatch(`${what} '${value}' is not a float initializer`);
    return init as Initializer & { values: Float32Array };
  }
}

/** "node 'name' (Op)", for messages. */
export const nodeWhere = (n: NodeProto): string =>
  `node '${n.name || n.output?.[0] || '?'}' (${n.opType})`;

/**
 * A constant broadcast over an NCHW map's channel axis: one value (every dim 1) or one per
 * channel ([C, 1, 1] or [1, C, 1, 1]). Returns its values and whether they are per channel.
 */
export function channelConstant(
  init: Initializer & { values: Float32Array },
  what: string,
): { values: Float32Array; perChannel: boolean } {
  if (init.dims.length > 4)
    throw new PatternMismatch(`${what} has rank ${init.dims.length}, more than 4`);
  const dims = [...Array(4 - init.dims.length).fill(1), ...init.dims];
  if (dims.every((d) => d === 1)) return { values: init.values, perChannel: false };
  if (dims[0] !== 1 || dims[2] !== 1 || dims[3] !== 1)
    throw new PatternMismatch(
      `${what} has shape [${init.dims.join(', ')}]; only one value, [C, 1, 1] or [1, C, 1, 1]`,
    );
  return { values: init.values, perChannel: true };
}
