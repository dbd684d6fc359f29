import { GraphValidationError } from './errors.js';
import type { Graph, Node } from './graph.js';
import type { Tensor } from './tensor.js';
import type { ValidatedGraph } from './validate.js';

/**
 * What the math asks of an op's constant inputs beyond dtype and shape. Every float32
 * constant an op reads must be finite (weights, scales, levels, thresholds, batch-norm
 * parameters); these name the inputs with a further rule.
 */
const ASCENDING_ROWS: Record<string, readonly string[]> = {
  // thresholds are searched by every backend; unsorted ones give backend-dependent answers,
  // so they are rejected, never reordered (a reorder would silently change the staircase)
  PAConv2D: ['actThresholds'],
};
const NON_NEGATIVE: Record<string, readonly string[]> = { BatchNorm: ['variance'] };

function fail(node: Node, input: string, value: string, message: string): never {
  throw new GraphValidationError('value', `input '${input}' ('${value}') ${message}`, node.name);
}

function checkFinite(node: Node, input: string, value: string, t: Tensor): void {
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) fail(node, input, value, `holds ${data[i]} at index ${i}`);
  }
}

function checkAscendingRows(node: Node, input: string, value: string, t: Tensor): void {
  const row = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  const data = t.data;
  for (let i = 1; i < data.length; i++) {
    if (i % row !== 0 && data[i] < data[i - 1]) {
      fail(
        node,
        input,
        value,
        `is not ascending: index ${i - 1} holds ${data[i - 1]}, index ${i} holds ${data[i]}`,
      );
    }
  }
}

function checkNonNegative(node: Node, input: string, value: string, t: Tensor): void {
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) fail(node, input, value, `is negative (${data[i]}) at index ${i}`);
  }
}

/**
 * Checks the values of the constants each node reads, after `validateGraph` checked the
 * structure: float32 constants must be finite, PAConv2D thresholds ascending along their last
 * axis (equal neighbours allowed), BatchNorm variances non-negative. A violation is a
 * GraphValidationError with code `value` naming the node, the input and the index. `load`
 * runs it on every file; a graph built in memory can be checked the same way.
 */
export function validateValues(graph: Graph, validated: ValidatedGraph): void {
  for (const { node, schema } of validated.order) {
    node.inputs.forEach((value, i) => {
      const t = graph.constants.get(value);
      if (t?.dtype !== 'float32') return;
      const input = schema.inputs[Math.min(i, schema.inputs.length - 1)].name;
      checkFinite(node, input, value, t);
      if (ASCENDING_ROWS[node.op]?.includes(input)) checkAscendingRows(node, input, value, t);
      if (NON_NEGATIVE[node.op]?.includes(input)) checkNonNegative(node, input, value, t);
    });
  }
}
