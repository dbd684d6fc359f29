import { describe, expect, it } from 'vitest';
import {
  type Graph,
  GraphBuilder,
  GraphValidationError,
  tensor,
  validateGraph,
} from '../src/index.js';
import { sampleGraph } from './sample-graph.js';

function tiny(): Graph {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', [1, 4, 4, 2]);
  const y = g.relu(g.conv2d(x, tensor('float32', [3, 1, 1, 2]), { name: 'conv' }), 'act');
  g.output(y);
  return g.build();
}

function expectInvalid(graph: Graph, code: string, message: RegExp) {
  try {
    validateGraph(graph);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphValidationError);
    expect((error as GraphValidationError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('graph was accepted');
}

describe('graph validation', () => {
  it('accepts a graph with every op and infers all shapes', () => {
    const { values, order } = validateGraph(sampleGraph());
    expect(order).toHaveLength(sampleGraph().nodes.length);
    expect(values.get('dense_0')?.shape).toEqual([-1, 3]);
  });

  it('orders nodes topologically whatever order they are stored in', () => {
    const graph = tiny();
    graph.nodes.reverse();
    expect(validateGraph(graph).order.map((n) => n.node.name)).toEqual(['conv', 'act']);
  });

  it('names the node of a dangling edge', () => {
    const graph = tiny();
    graph.nodes[1].inputs = ['nowhere'];
    expectInvalid(graph, 'dangling', /node 'act': input 'nowhere' is not a graph input/);
  });

  it('refuses a window whose output size computes to exactly -1 (not "unknown")', () => {
    const g = new GraphBuilder('misfit');
    const x = g.input('x', 'float32', [-1, 1, 1, 2]);
    // width 1 with a 3-wide kernel and no side pads: floor((1 - 3) / 1) + 1 = -1
    const w = tensor('float32', [4, 3, 3, 2]);
    expect(() => g.conv2d(x, w, { padding: [100, 0, 100, 0], name: 'c' })).toThrow(
      /node 'c': Conv2D: window 3x3 .* does not fit input 1x1/,
    );
  });

  it('finds cycles', () => {
    const graph = tiny();
    graph.nodes[0].inputs[0] = 'act';
    expectInvalid(graph, 'cycle', /node '(conv|act)': the graph has a cycle/);
  });

  it('rejects unknown ops, listing the known ones', () => {
    const graph = tiny();
    graph.nodes[1].op = 'Gelu';
    expectInvalid(graph, 'unknown-op', /node 'act': unknown op 'Gelu' \(known ops: .*Relu/);
  });

  it('reports shape mismatches with the node and the input', () => {
    const graph = tiny();
    graph.constants.set(graph.nodes[0].inputs[1], tensor('float32', [3, 1, 1, 5]));
    expectInvalid(
      graph,
      'shape',
      /node 'conv': Conv2D: weight dim 3 \(C \/ groups\) must be 2, got 5/,
    );
  });

  it('checks dtypes, arity, duplicates, outputs and constant storage', () => {
    let graph = tiny();
    graph.inputs[0].dtype = 'int32';
    expectInvalid(graph, 'dtype', /node 'conv': input 'x' \('x'\) must be float32, got int32/);
    graph = tiny();
    graph.nodes[1].inputs.push('x');
    expectInvalid(graph, 'arity', /Relu takes 1 inputs/);
    graph = tiny();
    graph.nodes[1].outputs = ['conv'];
    expectInvalid(graph, 'duplicate', /value 'conv' is defined twice/);
    graph = tiny();
    graph.outputs = ['ghost'];
    expectInvalid(graph, 'output', /graph output 'ghost' is never produced/);
    graph = tiny();
    graph.constants.set('bad', { dtype: 'float32', shape: [4], data: new Float32Array(3) });
    expectInvalid(graph, 'constant', /constant 'bad'/);
    graph = tiny();
    graph.nodes[0].inputs[1] = '';
    expectInvalid(graph, 'arity', /required input 'weight' is missing/);
  });

  it('builder reports mistakes at the call that made them', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 8, 8, 3]);
    expect(() => g.conv2d(x, tensor('float32', [4, 3, 3, 2]), { name: 'stem' })).toThrow(
      /node 'stem': Conv2D: weight dim 3/,
    );
    expect(() => g.relu('nope')).toThrow(/unknown value 'nope'/);
    expect(() => g.node('Swish', [x])).toThrow(/unknown op 'Swish'/);
  });
});
