import {
  type Graph,
  resolveWindow,
  type Tensor,
  type TensorInfo,
  type validateGraph,
} from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { DataType, onnx } from './proto.js';

type OnnxNodeProto = ReturnType<typeof onnx.NodeProto.create>;
type Validated = ReturnType<typeof validateGraph>;
export type OnnxAttribute = ReturnType<typeof onnx.AttributeProto.create>;

export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

export const ints = (name: string, v: number[]): OnnxAttribute =>
  onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
export const int = (name: string, v: number): OnnxAttribute =>
  onnx.AttributeProto.create({ name, i: v, type: onnx.AttributeProto.AttributeType.INT });
export const float = (name: string, v: number): OnnxAttribute =>
  onnx.AttributeProto.create({ name, f: v, type: onnx.AttributeProto.AttributeType.FLOAT });
export const string = (name: string, v: string): OnnxAttribute =>
  onnx.AttributeProto.create({
    name,
    s: new TextEncoder().encode(v),
    type: onnx.AttributeProto.AttributeType.STRING,
  });

/** How exportOnnx writes what has more than one ONNX form. */
export interface ExportOnnxOptions {
  /**
   * PAConv2D weights: 'planes' (default) writes the bit-planes, coefficients and constant, so
   * importOnnx restores them exactly; 'dequantized' writes one float initializer Q_w (smaller,
   * the form other frameworks write; importOnnx refits a staircase to it). See PA-ONNX.md.
   */
  paWeights?: 'planes' | 'dequantized';
}

/**
 * What the exporter builds while it walks the IR nodes: the ONNX nodes and initializers, fresh
 * names, and the ONNX name of each IR value (4-D graph inputs and outputs live as NCHW copies).
 */
export class ExportContext {
  readonly nodes: OnnxNodeProto[] = [];
  readonly initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  private readonly outputs: Set<string>;
  /** The IR node being exported: its ONNX nodes are named after it ('<node>/<OpType>'). */
  current = '';

  constructor(
    readonly graph: Graph,
    readonly values: Validated['values'],
    readonly options: ExportOnnxOptions = {},
  ) {
    this.outputs = new Set(graph.outputs);
  }

  fresh(base: string): string {
    let n: string;
    do n = `${base}__${this.counter++}`;
    while (this.used.has(n) || this.values.has(n));
    this.used.add(n);
    return n;
  }

  initFloat(base: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: DataType.FLOAT,
        rawData: new Uint8Array(Float32Array.from(data).buffer),
      }),
    );
    return name;
  }

  initInt64(base: string, data: number[]): string {
    const name = this.fresh(base);
    const raw = new BigInt64Array(data.map((v) => BigInt(v)));
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [data.length],
        dataType: DataType.INT64,
        rawData: new Uint8Array(raw.buffer),
      }),
    );
    return name;
  }

  /** Adds an ONNX node; returns its first output. */
  add(
    opType: string,
    inputs: string[],
    outputs: string[],
    attribute: OnnxAttribute[] = [],
  ): string {
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: this.fresh(this.current ? `${this.current}/${opType}` : opType),
        attribute,
      }),
    );
    return outputs[0];
  }

  is4d(v: string): boolean {
    return this.values.get(v)!.shape.length === 4;
  }

  /** The ONNX name of an IR value (4-D graph inputs and outputs live as NCHW copies). */
  onnxName(v: string): string {
    return this.is4d(v) && (this.outputs.has(v) || this.graph.inputs.some((i) => i.name === v))
      ? `${v}__nchw`
      : v;
  }

  constant(v: string): Tensor | undefined {
    return this.graph.constants.get(v);
  }

  /** A constant per-channel vector, shaped to broadcast over NCHW. */
  channelInit(base: string, data: ArrayLike<number>, for4d: boolean): string {
    return this.initFloat(base, for4d ? [1, data.length, 1, 1] : [data.length], data);
  }

  /** Concrete [top, left, bottom, right] pads of a window op. */
  windowPads(
    x: TensorInfo,
    kernel: number[],
    attrs: Record<string, unknown>,
    dil: number[] = [1, 1],
  ): number[] {
    if (attrs.padding === 'same' && (x.shape[1] < 0 || x.shape[2] < 0))
      throw new ConvertError('onnx-export', "'same' padding needs known H and W to export");
    const w = resolveWindow(x.shape[1], x.shape[2], kernel, attrs as never, dil);
    return [w.padTop, w.padLeft, w.padBottom, w.padRight];
  }
}

/** One IR node as its exporter sees it. */
export interface IrNode {
  node: Validated['order'][number]['node'];
  attrs: Record<string, unknown>;
  /** Input 0, its ONNX name and its info. */
  x: string;
  xin: string;
  xInfo: TensorInfo | undefined;
  /** The ONNX name of output 0. */
  out: string;
}

/** Exports one IR op type (or a few that share code) as ONNX nodes. */
export interface NodeExporter {
  readonly ops: readonly string[];
  run(n: IrNode, c: ExportContext): void;
}

export function defineExporter(exporter: NodeExporter): NodeExporter {
  return exporter;
}
