import { GraphValidationError, ShapeError } from './errors.js';
import type { Graph, Node } from './graph.js';
import { type Attrs, getOpSchema, listOps, type OpSchema, resolveAttrs } from './ops/schema.js';
import type { TensorInfo } from './tensor.js';
import { formatShape, storageLength } from './tensor.js';
import './ops/index.js';

export interface ValidatedNode {
  node: Node;
  schema: OpSchema;
  /** Attributes with defaults filled in. */
  attrs: Attrs;
}

export interface ValidatedGraph {
  /** Nodes in an order where every input is produced before it is read. */
  order: ValidatedNode[];
  /** dtype and shape of every value: graph inputs, constants and node outputs. */
  values: Map<string, TensorInfo>;
}

function checkNames(graph: Graph): Map<string, string> {
  // value name -> what defines it, so a duplicate can say what it collides with
  const definedBy = new Map<string, string>();
  const define = (name: string, by: string, node?: string) => {
    if (typeof name !== 'string' || name === '') {
      throw new GraphValidationError('name', `${by} has an empty value name`, node);
    }
    const previous = definedBy.get(name);
    if (previous !== undefined) {
      throw new GraphValidationError(
        'duplicate',
        `value '${name}' is defined twice (${previous} and ${by})`,
        node,
      );
    }
    definedBy.set(name, by);
  };
  for (const input of graph.inputs) define(input.name, `graph input '${input.name}'`);
  for (const [name, t] of graph.constants) {
    define(name, `constant '${name}'`);
    if (t.data.length !== storageLength(t.dtype, t.shape)) {
      throw new GraphValidationError(
        'constant',
        `constant '${name}' (${t.dtype} ${formatShape(t.shape)}) has ${t.data.length} storage elements, expected ${storageLength(t.dtype, t.shape)}`,
      );
    }
  }
  const nodeNames = new Set<string>();
  for (const node of graph.nodes) {
    if (!node.name) throw new GraphValidationError('name', `a ${node.op} node has no name`);
    if (nodeNames.has(node.name)) {
      throw new GraphValidationError('duplicate', 'two nodes share this name', node.name);
    }
    nodeNames.add(node.name);
    for (const out of node.outputs) define(out, `output of node '${node.name}'`, node.name);
  }
  return definedBy;
}

function checkArity(node: Node, schema: OpSchema): void {
  const specs = schema.inputs;
  const variadic = specs[specs.length - 1]?.variadic === true;
  const requiredCount = specs.filter((s) => !s.optional).length;
  const n = node.inputs.length;
  if (n < requiredCount || (!variadic && n > specs.length)) {
    const expected = variadic
      ? `at least ${requiredCount}`
      : requiredCount === specs.length
        ? `${requiredCount}`
        : `${requiredCount} to ${specs.length}`;
    throw new GraphValidationError(
      'arity',
      `${node.op} takes ${expected} inputs (${specs.map((s) => s.name).join(', ')}), got ${n}`,
      node.name,
    );
  }
  node.inputs.forEach((name, i) => {
    const spec = specs[Math.min(i, specs.length - 1)];
    if (name === '' && !spec.optional) {
      throw new GraphValidationError(
        'arity',
        `required input '${spec.name}' is missing`,
        node.name,
      );
    }
  });
  if (node.outputs.length !== schema.numOutputs) {
    throw new GraphValidationError(
      'arity',
      `${node.op} has ${schema.numOutputs} output(s), node declares ${node.outputs.length}`,
      node.name,
    );
  }
}

/** Kahn's algorithm; whatever cannot be ordered lies on (or behind) a cycle. */
function topologicalOrder(graph: Graph, producers: Map<string, Node>): Node[] {
  const pending = new Map<Node, number>();
  const readers = new Map<Node, Node[]>();
  for (const node of graph.nodes) {
    let count = 0;
    for (const input of new Set(node.inputs)) {
      const producer = producers.get(input);
      if (!producer) continue;
      count++;
      const list = readers.get(producer) ?? [];
      list.push(node);
      readers.set(producer, list);
    }
    pending.set(node, count);
  }
  const ready = graph.nodes.filter((n) => pending.get(n) === 0);
  const order: Node[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const reader of readers.get(node) ?? []) {
      const left = pending.get(reader)! - 1;
      pending.set(reader, left);
      if (left === 0) ready.push(reader);
    }
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.find((n) => pending.get(n)! > 0)!;
    throw new GraphValidationError('cycle', 'the graph has a cycle through this node', stuck.name);
  }
  return order;
}

/**
 * Checks a graph completely and infers every value's shape. Throws a GraphValidationError
 * that names the offending node (or value) on: unknown ops, wrong input counts, bad or
 * unknown attributes, dangling edges, duplicate names, cycles, dtype and shape mismatches,
 * and graph outputs that nothing produces.
 */
export function validateGraph(graph: Graph): ValidatedGraph {
  const definedBy = checkNames(graph);
  const producers = new Map<string, Node>();
  for (const node of graph.nodes) {
    if (!getOpSchema(node.op)) {
      throw new GraphValidationError(
        'unknown-op',
        `unknown op '${node.op}' (known ops: ${listOps().join(', ')})`,
        node.name,
      );
    }
    for (const out of node.outputs) producers.set(out, node);
  }
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input !== '' && !definedBy.has(input)) {
        throw new GraphValidationError(
          'dangling',
          `input '${input}' is not a graph input, a constant, or any node's output`,
          node.name,
        );
      }
    }
  }
  const values = new Map<string, TensorInfo>();
  for (const input of graph.inputs)
    values.set(input.name, { dtype: input.dtype, shape: input.shape });
  for (const [name, t] of graph.constants) values.set(name, { dtype: t.dtype, shape: t.shape });

  const order: ValidatedNode[] = [];
  for (const node of topologicalOrder(graph, producers)) {
    const schema = getOpSchema(node.op)!;
    checkArity(node, schema);
    const attrs = resolveAttrs(schema, node.attrs, node.name);
    const infos = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    infos.forEach((info, i) => {
      const spec = schema.inputs[Math.min(i, schema.inputs.length - 1)];
      if (info && spec.dtypes && !spec.dtypes.includes(info.dtype)) {
        throw new GraphValidationError(
          'dtype',
          `input '${spec.name}' ('${node.inputs[i]}') must be ${spec.dtypes.join(' or ')}, got ${info.dtype}`,
          node.name,
        );
      }
    });
    let outputs: TensorInfo[];
    try {
      outputs = schema.inferShapes(infos, attrs);
    } catch (error) {
      if (error instanceof ShapeError) {
        throw new GraphValidationError('shape', `${node.op}: ${error.message}`, node.name);
      }
      throw error;
    }
    node.outputs.forEach((name, i) => values.set(name, outputs[i]));
    order.push({ node, schema, attrs });
  }
  for (const output of graph.outputs) {
    if (!values.has(output)) {
      throw new GraphValidationError('output', `graph output '${output}' is never produced`);
    }
  }
  if (graph.outputs.length === 0) {
    throw new GraphValidationError('output', 'the graph has no outputs');
  }
  return { order, values };
}
