import type { DType } from './dtype.js';
import { GraphValidationError, ShapeError } from './errors.js';
import type { Graph, Metadata, Node } from './graph.js';
import { type Attrs, getOpSchema, resolveAttrs } from './ops/schema.js';
import type { Shape, Tensor, TensorInfo } from './tensor.js';
import { validateGraph } from './validate.js';

/** A value is referred to by name; passing a Tensor adds it as a constant. */
export type ValueRef = string | Tensor;

type Pair = number | [number, number];
/** 'same', 'valid', one pad for all sides, or [top, left, bottom, right]. */
export type PaddingOption = 'same' | 'valid' | number | [number, number, number, number];

export interface WindowOptions {
  stride?: Pair;
  padding?: PaddingOption;
  name?: string;
}

export interface ConvOptions extends WindowOptions {
  dilation?: Pair;
  groups?: number;
  bias?: ValueRef;
}

export interface PAConvInputs {
  weightBits: ValueRef;
  weightScales: ValueRef;
  weightOffset: ValueRef;
  actThresholds: ValueRef;
  actLevels: ValueRef;
  scale?: ValueRef;
  bias?: ValueRef;
}

export interface PAConvOptions extends ConvOptions {
  weightBases: number;
  activationBases: number;
  activation?: 'none' | 'relu' | 'hardtanh';
}

const pair = (v: Pair): number[] => (typeof v === 'number' ? [v, v] : [...v]);

function windowAttrs(opts: WindowOptions & { dilation?: Pair }): Attrs {
  const attrs: Attrs = {};
  if (opts.stride !== undefined) attrs.strides = pair(opts.stride);
  if (opts.dilation !== undefined) attrs.dilations = pair(opts.dilation);
  const p = opts.padding;
  if (p === 'same' || p === 'valid') attrs.padding = p;
  else if (typeof p === 'number') attrs.pads = [p, p, p, p];
  else if (Array.isArray(p)) attrs.pads = [...p];
  return attrs;
}

/**
 * Builds a Graph with calls that read like the model:
 *
 *   const g = new GraphBuilder('tiny');
 *   const x = g.input('image', 'float32', [1, 28, 28, 1]);
 *   const y = g.relu(g.conv2d(x, weight, { stride: 2, padding: 1 }));
 *   g.output(g.softmax(g.dense(g.flatten(y), fcWeight)));
 *   const graph = g.build();
 *
 * Each call checks its node at once (attributes and shapes), so a mistake is reported
 * at the line that made it, naming the node.
 */
export class GraphBuilder {
  private readonly graph: Graph;
  private readonly values = new Map<string, TensorInfo>();
  private readonly counters = new Map<string, number>();

  constructor(name = 'graph', metadata: Metadata = {}) {
    this.graph = { name, inputs: [], outputs: [], nodes: [], constants: new Map(), metadata };
  }

  private fresh(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do name = `${prefix}_${n++}`;
    while (this.values.has(name) || this.graph.nodes.some((node) => node.name === name));
    this.counters.set(prefix, n);
    return name;
  }

  private ref(value: ValueRef | undefined): string {
    if (value === undefined) return '';
    if (typeof value === 'string') {
      if (!this.values.has(value))
        throw new GraphValidationError('dangling', `unknown value '${value}'`);
      return value;
    }
    return this.constant(value);
  }

  input(name: string, dtype: DType, shape: Shape): string {
    if (this.values.has(name))
      throw new GraphValidationError('duplicate', `value '${name}' already exists`);
    this.graph.inputs.push({ name, dtype, shape: [...shape] });
    this.values.set(name, { dtype, shape: [...shape] });
    return name;
  }

  constant(value: Tensor, name?: string): string {
    const key = name ?? this.fresh('const');
    if (this.values.has(key))
      throw new GraphValidationError('duplicate', `value '${key}' already exists`);
    this.graph.constants.set(key, value);
    this.values.set(key, { dtype: value.dtype, shape: value.shape });
    return key;
  }

  /** Adds any registered op; returns the names of its outputs. */
  nodeMulti(
    op: string,
    inputs: (ValueRef | undefined)[],
    attrs: Attrs = {},
    name?: string,
  ): string[] {
    const schema = getOpSchema(op);
    const nodeName = name ?? this.fresh(op.toLowerCase());
    if (!schema) throw new GraphValidationError('unknown-op', `unknown op '${op}'`, nodeName);
    // drop trailing absent optional inputs so files stay minimal
    const names = inputs.map((v) => this.ref(v));
    while (names.length > 0 && names[names.length - 1] === '') names.pop();
    const resolved = resolveAttrs(schema, attrs, nodeName);
    const infos = names.map((n) => (n === '' ? undefined : this.values.get(n)));
    let outInfos: TensorInfo[];
    try {
      outInfos = schema.inferShapes(infos, resolved);
    } catch (error) {
      if (error instanceof ShapeError) {
        throw new GraphValidationError('shape', `${op}: ${error.message}`, nodeName);
      }
      throw error;
    }
    const outputs = outInfos.map((_, i) => (outInfos.length === 1 ? nodeName : `${nodeName}:${i}`));
    const node: Node = { name: nodeName, op, inputs: names, outputs, attrs };
    this.graph.nodes.push(node);
    outputs.forEach((o, i) => this.values.set(o, outInfos[i]));
    return outputs;
  }

  /** Adds any registered single-output op; returns the output's name. */
  node(op: string, inputs: (ValueRef | undefined)[], attrs: Attrs = {}, name?: string): string {
    return this.nodeMulti(op, inputs, attrs, name)[0];
  }

  /** Whether a value of this name exists (input, constant or node output). */
  has(value: string): boolean {
    return this.values.has(value);
  }

  /** dtype and shape of a value, as inferred so far. */
  info(value: string): TensorInfo {
    const info = this.values.get(value);
    if (!info) throw new GraphValidationError('dangling', `unknown value '${value}'`);
    return info;
  }

  conv2d(x: ValueRef, weight: ValueRef, opts: ConvOptions = {}): string {
    const attrs = windowAttrs(opts);
    if (opts.groups !== undefined) attrs.groups = opts.groups;
    return this.node('Conv2D', [x, weight, opts.bias], attrs, opts.name);
  }

  depthwiseConv2d(x: ValueRef, weight: ValueRef, opts: Omit<ConvOptions, 'groups'> = {}): string {
    return this.node('DepthwiseConv2D', [x, weight, opts.bias], windowAttrs(opts), opts.name);
  }

  paConv2d(x: ValueRef, params: PAConvInputs, opts: PAConvOptions): string {
    const attrs = windowAttrs(opts);
    attrs.weightBases = opts.weightBases;
    attrs.activationBases = opts.activationBases;
    if (opts.groups !== undefined) attrs.groups = opts.groups;
    if (opts.activation !== undefined) attrs.activation = opts.activation;
    const p = params;
    const inputs = [x, p.weightBits, p.weightScales, p.weightOffset, p.actThresholds, p.actLevels];
    return this.node('PAConv2D', [...inputs, p.scale, p.bias], attrs, opts.name);
  }

  batchNorm(
    x: ValueRef,
    p: { gamma: ValueRef; beta: ValueRef; mean: ValueRef; variance: ValueRef },
    opts: { epsilon?: number; name?: string } = {},
  ): string {
    const attrs: Attrs = opts.epsilon === undefined ? {} : { epsilon: opts.epsilon };
    return this.node('BatchNorm', [x, p.gamma, p.beta, p.mean, p.variance], attrs, opts.name);
  }

  relu(x: ValueRef, name?: string): string {
    return this.node('Relu', [x], {}, name);
  }

  prelu(x: ValueRef, slope: ValueRef, name?: string): string {
    return this.node('PRelu', [x, slope], {}, name);
  }

  clip(x: ValueRef, min: number, max: number, name?: string): string {
    return this.node('Clip', [x], { min, max }, name);
  }

  hardtanh(x: ValueRef, name?: string): string {
    return this.clip(x, -1, 1, name);
  }

  add(a: ValueRef, b: ValueRef, name?: string): string {
    return this.node('Add', [a, b], {}, name);
  }

  concat(values: ValueRef[], opts: { axis?: number; name?: string } = {}): string {
    const attrs: Attrs = opts.axis === undefined ? {} : { axis: opts.axis };
    return this.node('Concat', values, attrs, opts.name);
  }

  maxPool(x: ValueRef, kernel: Pair, opts: WindowOptions = {}): string {
    return this.node(
      'MaxPool',
      [x],
      { kernelShape: pair(kernel), ...windowAttrs(opts) },
      opts.name,
    );
  }

  avgPool(
    x: ValueRef,
    kernel: Pair,
    opts: WindowOptions & { countIncludePad?: boolean } = {},
  ): string {
    const attrs: Attrs = { kernelShape: pair(kernel), ...windowAttrs(opts) };
    if (opts.countIncludePad !== undefined) attrs.countIncludePad = opts.countIncludePad;
    return this.node('AvgPool', [x], attrs, opts.name);
  }

  pad(x: ValueRef, pads: [number, number, number, number], name?: string): string {
    return this.node('Pad', [x], { pads: [...pads] }, name);
  }

  globalAvgPool(x: ValueRef, opts: { keepDims?: boolean; name?: string } = {}): string {
    const attrs: Attrs = opts.keepDims === undefined ? {} : { keepDims: opts.keepDims };
    return this.node('GlobalAvgPool', [x], attrs, opts.name);
  }

  dense(x: ValueRef, weight: ValueRef, opts: { bias?: ValueRef; name?: string } = {}): string {
    return this.node('Dense', [x, weight, opts.bias], {}, opts.name);
  }

  flatten(x: ValueRef, name?: string): string {
    return this.node('Flatten', [x], {}, name);
  }

  reshape(x: ValueRef, shape: number[], name?: string): string {
    return this.node('Reshape', [x], { shape }, name);
  }

  softmax(x: ValueRef, opts: { axis?: number; name?: string } = {}): string {
    const attrs: Attrs = opts.axis === undefined ? {} : { axis: opts.axis };
    return this.node('Softmax', [x], attrs, opts.name);
  }

  output(...values: string[]): void {
    for (const v of values) {
      this.info(v);
      this.graph.outputs.push(v);
    }
  }

  /** The finished graph, fully validated. */
  build(): Graph {
    validateGraph(this.graph);
    return this.graph;
  }
}
