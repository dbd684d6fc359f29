import { describe, expect, it } from 'vitest';
import { type Graph, GraphValidationError, load, save, tensor } from '../src/index.js';
import { sampleGraph } from './sample-graph.js';

/** The sample graph with one input of its `op` node replaced, saved (save checks only structure). */
function fileWith(
  op: string,
  input: number,
  values: number[],
  shape = [values.length],
): Uint8Array {
  const graph: Graph = sampleGraph();
  const node = graph.nodes.find((n) => n.op === op)!;
  graph.constants.set(node.inputs[input], tensor('float32', shape, values));
  return save(graph);
}

function expectValueError(bytes: Uint8Array, message: RegExp) {
  try {
    load(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphValidationError);
    expect((error as GraphValidationError).code).toBe('value');
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('file was accepted');
}

describe('values of constants at load', () => {
  it('rejects unsorted PA thresholds, naming the node, the input and the indices', () => {
    expectValueError(
      fileWith('PAConv2D', 4, [-0.5, 0.5, 0]),
      /node 'paconv2d_\d+': input 'actThresholds' .* not ascending: index 1 holds 0.5, index 2 holds 0/,
    );
  });

  it('accepts equal neighbouring thresholds and per-channel rows that each ascend', () => {
    expect(() => load(fileWith('PAConv2D', 4, [-0.5, 0, 0]))).not.toThrow();
    const graph = sampleGraph();
    const node = graph.nodes.find((n) => n.op === 'PAConv2D')!;
    const rows = Array.from({ length: 8 }, (_, c) => [c, c + 1, c + 2])
      .reverse()
      .flat();
    graph.constants.set(node.inputs[4], tensor('float32', [8, 3], rows));
    graph.constants.set(node.inputs[5], tensor('float32', [8, 4], new Float32Array(32)));
    expect(() => load(save(graph))).not.toThrow();
    graph.constants.set(node.inputs[4], tensor('float32', [8, 3], [...rows.slice(0, 23), -99]));
    expectValueError(save(graph), /not ascending: index 22 holds 1, index 23 holds -99/);
  });

  it('rejects NaN thresholds, NaN scales and infinite levels', () => {
    expectValueError(
      fileWith('PAConv2D', 4, [-0.5, Number.NaN, 0.5]),
      /actThresholds.*holds NaN at index 1/,
    );
    const scales = Array.from({ length: 32 }, (_, i) => (i === 7 ? Number.NaN : 1));
    expectValueError(
      fileWith('PAConv2D', 2, scales, [16, 2]),
      /weightScales.*holds NaN at index 7/,
    );
    expectValueError(
      fileWith('PAConv2D', 5, [-1, 0, Number.POSITIVE_INFINITY, 1]),
      /actLevels.*holds Infinity at index 2/,
    );
  });

  it('rejects non-finite batch-norm parameters and negative variance', () => {
    const ones = () => new Array(8).fill(1);
    expectValueError(
      fileWith('BatchNorm', 4, [...ones().slice(1), -0.5]),
      /'variance'.*is negative \(-0.5\) at index 7/,
    );
    expectValueError(
      fileWith('BatchNorm', 1, [Number.NEGATIVE_INFINITY, ...ones().slice(1)]),
      /'gamma'.*-Infinity at index 0/,
    );
  });

  it('rejects non-finite float weights of any op', () => {
    const graph = sampleGraph();
    const dense = graph.nodes.find((n) => n.op === 'Dense')!;
    const w = graph.constants.get(dense.inputs[1])!;
    (w.data as Float32Array)[5] = Number.NaN;
    expectValueError(save(graph), /node 'dense_\d+': input 'weight'.*NaN at index 5/);
  });
});
