import { type GraphBuilder, permute, type Tensor, tensor } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { type Attributes, attrMap, type Initializer, num } from './onnx-values.js';
import type { ModelProto, NodeProto } from './proto.js';
import type { ShapeValue } from './shape-values.js';

type GraphProto = NonNullable<ModelProto['graph']>;

/** Whether the node is a Transpose with exactly this perm. */
export function isTranspose(node: NodeProto, perm: number[]): boolean {
  return (
    node.opType === 'Transpose' &&
    JSON.stringify((node.attribute ?? []).find((a) => a.name === 'perm')?.ints?.map(num)) ===
      JSON.stringify(perm)
  );
}

/**
 * What the importer knows while it walks the ONNX nodes: the graph being built, the
 * initializers, the ONNX-to-IR value names and each value's rank and layout.
 */
export class ImportContext {
  readonly rank = new Map<string, number>();
  /** Values produced by Flatten of an NCHW map with spatial size > 1: [C, H, W]. */
  readonly flattenedChw = new Map<string, [number, number, number]>();
  /** ONNX value names that are other values in the IR. */
  readonly alias = new Map<string, string>();
  /**
   * 4-D ONNX values are NCHW, except those an NHWC<->NCHW Transpose made NHWC (as our own
   * exporter writes at the graph's edges); the IR holds both as NHWC.
   */
  readonly nhwc = new Set<string>();
  /** Who reads each ONNX value (node and input slot). */
  readonly readers = new Map<string, { node: NodeProto; slot: number }[]>();
  readonly graphOutputs: Set<string>;
  /** Small integer values computed from shapes at import, with dims known only at run time. */
  readonly shapeValues = new Map<string, ShapeValue>();

  constructor(
    readonly g: GraphBuilder,
    graph: GraphProto,
    readonly inits: Map<string, Initializer>,
    readonly opset: number,
  ) {
    for (const n of graph.node ?? [])
      for (const [slot, v] of (n.input ?? []).entries())
        if (v) this.readers.set(v, [...(this.readers.get(v) ?? []), { node: n, slot }]);
    this.graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  }

  resolve(name: string): string {
    return this.alias.get(name) ?? name;
  }

  /**
   * The value is read only as the data input of Gemm (without transA) or MatMul with a constant
   * B (through Identity/Dropout): its columns meet B's rows, whose order the importer permutes.
   */
  feedsOnlyDense(name: string): boolean {
    return (
      !this.graphOutputs.has(name) &&
      (this.readers.get(name) ?? []).every(({ node: n, slot }) =>
        n.opType === 'Identity' || (n.opType === 'Dropout' && slot === 0)
          ? this.feedsOnlyDense(n.output?.[0] ?? '')
          : slot === 0 &&
            ((n.opType === 'MatMul' && this.inits.has(n.input?.[1] ?? '')) ||
              (n.opType === 'Gemm' && !attrMap(n).int('transA', 0))),
      )
    );
  }

  floatConst(name: string, what: string): Initializer {
    const init = this.inits.get(name);
    if (!init || !(init.values instanceof Float32Array))
      throw new ConvertError('onnx-node', `${what} '${name}' must be a float initializer`);
    return init;
  }

  /** An initializer read by several nodes becomes one constant. */
  constant(name: string, t: Tensor): string {
    return this.g.has(name) ? name : this.g.constant(t, name);
  }

  /**
   * A float initializer broadcast against a value of rank `against`, in the IR's layout: right-
   * aligned to that rank, and for a 4-D (NCHW) value permuted to NHWC, leading 1s dropped
   * ([C, 1, 1] becomes [C], [1, C, H, W] becomes [H, W, C]).
   */
  broadcastConst(init: Initializer, against: number, what: string): Tensor {
    if (init.dims.length > against)
      throw new ConvertError(
        'onnx-node',
        `${what} has shape [${init.dims.join(', ')}], of higher rank than the ${against}-D input`,
      );
    let dims = [...Array(against - init.dims.length).fill(1), ...init.dims];
    let values = init.values as Float32Array;
    if (against === 4) {
      values = permute(values, dims, [0, 2, 3, 1]);
      dims = [dims[0], dims[2], dims[3], dims[1]];
    }
    while (dims.length > 1 && dims[0] === 1) dims = dims.slice(1);
    return tensor('float32', dims, values);
  }

  /** A runtime value's IR name, or an initializer as a constant broadcast against rank `against`. */
  valueOrConst(name: string, against: number, what: string): string {
    const init = this.inits.get(name);
    if (!init) return this.resolve(name);
    if (!(init.values instanceof Float32Array))
      throw new ConvertError('onnx-node', `${what} '${name}' must be a float tensor`);
    // the same initializer may be read against different ranks: name the constant by its layout
    const t = this.broadcastConst(init, against, what);
    return this.constant(`${name}__${t.shape.join('x')}`, t);
  }
}

/** One ONNX node as its handler sees it. */
export interface OnnxNode {
  node: NodeProto;
  at: Attributes;
  /** Input names ('' for an absent optional input). */
  ins: string[];
  /** The ONNX name of output 0. */
  out: string;
  /** "node 'name' (OpType)", for messages. */
  where: string;
  /** The ONNX name of input 0 (layouts are tracked per ONNX value) and its IR value. */
  xo: string;
  x: string;
  /** The rank of input 0. */
  r: number;
  /** Throws a ConvertError naming the node. */
  refuse(why: string): never;
}

export function onnxNode(node: NodeProto, c: ImportContext): OnnxNode {
  const at = attrMap(node);
  const ins = (node.input ?? []).map((n) => n ?? '');
  const out = node.output?.[0] ?? '';
  const where = `node '${node.name || out}' (${node.opType})`;
  const xo = ins[0] ?? '';
  const x = c.resolve(xo);
  const refuse = (why: string): never => {
    throw new ConvertError('onnx-node', `${where}: ${why}`);
  };
  return {
    node,
    at,
    ins,
    out,
    where,
    xo,
    x,
    r: c.rank.get(x) ?? 4,
    refuse,
  };
}

/** Imports one ONNX op type (or a few that share code) into the IR. */
export interface NodeImporter {
  readonly ops: readonly string[];
  /** The rank of the outputs when not the input's (and the handler does not set it). */
  readonly outputRank?: number;
  /**
   * Adds the node to the graph and returns the IR value of output 0, or undefined when the
   * node only renamed its input (the handler then set the alias).
   */
  run(n: OnnxNode, c: ImportContext): string | undefined;
}

export function defineImporter(importer: NodeImporter): NodeImporter {
  return importer;
}
