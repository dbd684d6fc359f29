import type { DType } from '../dtype.js';
import { GraphValidationError } from '../errors.js';
import type { TensorInfo } from '../tensor.js';

/** Attribute value kinds an op may declare. Values must survive a JSON round trip. */
export type AttrType = 'int' | 'float' | 'ints' | 'floats' | 'string' | 'bool';
export type AttrValue = number | number[] | string | boolean;
export type Attrs = Record<string, AttrValue>;

export interface AttrSpec {
  type: AttrType;
  /** Used when the node omits the attribute. An attribute without a default is required. */
  default?: AttrValue;
  /** For `string`: the allowed values. */
  oneOf?: readonly string[];
  /** For `ints` / `floats`: the exact length. */
  length?: number;
  /** For numbers (each element of a list too): the smallest allowed value. */
  min?: number;
  doc: string;
}

export interface InputSpec {
  name: string;
  /** Allowed dtypes; any dtype when absent. */
  dtypes?: readonly DType[];
  optional?: boolean;
  /** Only for the last input: it takes one or more tensors (e.g. Concat). */
  variadic?: boolean;
  doc: string;
}

/**
 * An op's schema: what it takes, what attributes it accepts, and how output shapes follow
 * from input shapes. Every op of the IR is one of these in the registry; validation, the
 * builder, the file loader and the backends all read them.
 */
export interface OpSchema {
  type: string;
  doc: string;
  inputs: readonly InputSpec[];
  numOutputs: number;
  attrs: Readonly<Record<string, AttrSpec>>;
  /**
   * Output infos from input infos (absent optional inputs are `undefined`) and resolved
   * attributes (defaults applied). Throws ShapeError with a message that names the input.
   */
  inferShapes(inputs: readonly (TensorInfo | undefined)[], attrs: Attrs): TensorInfo[];
}

const registry = new Map<string, OpSchema>();

/** Adds an op to the registry. Registering the same type twice is a programming error. */
export function registerOp(schema: OpSchema): OpSchema {
  if (registry.has(schema.type)) {
    throw new Error(`op '${schema.type}' is already registered`);
  }
  const variadic = schema.inputs.findIndex((i) => i.variadic);
  if (variadic !== -1 && variadic !== schema.inputs.length - 1) {
    throw new Error(`op '${schema.type}': only the last input may be variadic`);
  }
  registry.set(schema.type, schema);
  return schema;
}

export function getOpSchema(type: string): OpSchema | undefined {
  return registry.get(type);
}

export function listOps(): string[] {
  return [...registry.keys()].sort();
}

function checkNumber(value: unknown, spec: AttrSpec, integer: boolean): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (spec.min === undefined || value >= spec.min)
  );
}

function describe(spec: AttrSpec): string {
  const parts: string[] = [spec.type];
  if (spec.length !== undefined) parts.push(`of length ${spec.length}`);
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  if (spec.oneOf) parts.push(`one of ${spec.oneOf.map((s) => `'${s}'`).join(', ')}`);
  return parts.join(' ');
}

function isValidAttr(value: unknown, spec: AttrSpec): boolean {
  switch (spec.type) {
    case 'int':
      return checkNumber(value, spec, true);
    case 'float':
      return checkNumber(value, spec, false);
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (!spec.oneOf || spec.oneOf.includes(value));
    case 'ints':
    case 'floats':
      return (
        Array.isArray(value) &&
        (spec.length === undefined || value.length === spec.length) &&
        value.every((v) => checkNumber(v, spec, spec.type === 'ints'))
      );
  }
}

/**
 * Checks a node's attributes against its schema and returns them with defaults filled in.
 * Unknown attributes are rejected: a typo must not silently fall back to a default.
 */
export function resolveAttrs(schema: OpSchema, attrs: Attrs, node?: string): Attrs {
  const resolved: Attrs = {};
  for (const name of Object.keys(attrs)) {
    if (!Object.hasOwn(schema.attrs, name)) {
      const known = Object.keys(schema.attrs);
      throw new GraphValidationError(
        'attribute',
        `${schema.type} has no attribute '${name}' (it has: ${known.length ? known.join(', ') : 'none'})`,
        node,
      );
    }
  }
  for (const [name, spec] of Object.entries(schema.attrs)) {
    const value = attrs[name] ?? spec.default;
    if (value === undefined) {
      throw new GraphValidationError(
        'attribute',
        `${schema.type} needs attribute '${name}' (${spec.doc})`,
        node,
      );
    }
    if (!isValidAttr(value, spec)) {
      throw new GraphValidationError(
        'attribute',
        `attribute '${name}' of ${schema.type} must be ${describe(spec)}, got ${JSON.stringify(value)}`,
        node,
      );
    }
    resolved[name] = Array.isArray(value) ? [...value] : value;
  }
  return resolved;
}
