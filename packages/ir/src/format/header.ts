import { type DType, isDType } from '../dtype.js';
import { ModelFormatError } from '../errors.js';
import type { Metadata, Node, ValueInfo } from '../graph.js';
import type { Attrs, AttrValue } from '../ops/schema.js';

/** Where a tensor's bytes live in the file. */
export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  byteLength: number;
}

export interface GraphHeader {
  name: string;
  inputs: ValueInfo[];
  outputs: string[];
  nodes: Node[];
  metadata: Metadata;
}

/** The JSON header of a .pabnn file. */
export interface FileHeader {
  graph: GraphHeader;
  tensors: TensorEntry[];
}

// Limits that keep a hostile header from making the reader do unbounded work.
const MAX_RANK = 8;
const MAX_LIST = 1 << 20;

function fail(path: string, message: string): never {
  throw new ModelFormatError('header-schema', `invalid header: ${path} ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (!isObject(v)) fail(path, 'must be an object');
  return v;
}

function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  if (v.length > MAX_LIST) fail(path, `has ${v.length} entries, more than ${MAX_LIST}`);
  return v;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  return v;
}

function nonNegativeInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    fail(path, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function dtype(v: unknown, path: string): DType {
  if (!isDType(v))
    fail(path, `must be a dtype (float32, int32, uint8, bits), got ${JSON.stringify(v)}`);
  return v;
}

function shape(v: unknown, path: string, allowUnknown: boolean): number[] {
  const dims = list(v, path);
  if (dims.length > MAX_RANK) fail(path, `has rank ${dims.length}, more than ${MAX_RANK}`);
  return dims.map((d, i) => (allowUnknown && d === -1 ? -1 : nonNegativeInt(d, `${path}[${i}]`)));
}

function attrValue(v: unknown, path: string): AttrValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v)) {
    return list(v, path).map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x))
        fail(`${path}[${i}]`, 'must be a finite number');
      return x;
    });
  }
  fail(path, 'must be a number, string, boolean or array of numbers');
}

function node(v: unknown, path: string): Node {
  const o = object(v, path);
  const rawAttrs = object(o.attrs ?? {}, `${path}.attrs`);
  // null prototype: attribute names come from the file and must not touch Object.prototype
  const attrs: Attrs = Object.create(null);
  for (const [key, value] of Object.entries(rawAttrs))
    attrs[key] = attrValue(value, `${path}.attrs.${key}`);
  return {
    name: string(o.name, `${path}.name`),
    op: string(o.op, `${path}.op`),
    inputs: list(o.inputs, `${path}.inputs`).map((x, i) => string(x, `${path}.inputs[${i}]`)),
    outputs: list(o.outputs, `${path}.outputs`).map((x, i) => string(x, `${path}.outputs[${i}]`)),
    attrs,
  };
}

/** Checks that parsed JSON is a well-formed header; the error names the first bad field. */
export function parseHeader(json: unknown): FileHeader {
  const root = object(json, 'header');
  const g = object(root.graph, 'graph');
  const metadata = g.metadata === undefined ? {} : object(g.metadata, 'graph.metadata');
  const graph: GraphHeader = {
    name: string(g.name, 'graph.name'),
    inputs: list(g.inputs, 'graph.inputs').map((v, i) => {
      const o = object(v, `graph.inputs[${i}]`);
      return {
        name: string(o.name, `graph.inputs[${i}].name`),
        dtype: dtype(o.dtype, `graph.inputs[${i}].dtype`),
        shape: shape(o.shape, `graph.inputs[${i}].shape`, true),
      };
    }),
    outputs: list(g.outputs, 'graph.outputs').map((v, i) => string(v, `graph.outputs[${i}]`)),
    nodes: list(g.nodes, 'graph.nodes').map((v, i) => node(v, `graph.nodes[${i}]`)),
    metadata,
  };
  const tensors = list(root.tensors, 'tensors').map((v, i) => {
    const o = object(v, `tensors[${i}]`);
    return {
      name: string(o.name, `tensors[${i}].name`),
      dtype: dtype(o.dtype, `tensors[${i}].dtype`),
      shape: shape(o.shape, `tensors[${i}].shape`, false),
      offset: nonNegativeInt(o.offset, `tensors[${i}].offset`),
      byteLength: nonNegativeInt(o.byteLength, `tensors[${i}].byteLength`),
    };
  });
  return { graph, tensors };
}
