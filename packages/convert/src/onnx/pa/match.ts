import type { Initializer } from '../onnx-values.js';
import type { ModelProto, NodeProto } from '../proto.js';
import { type ReadEpilogue, readEpilogue } from './epilogue.js';
import { nodeWhere, OnnxGraphView, PatternMismatch } from './onnx-graph.js';
import { type ReadStaircase, readStaircase } from './staircase.js';
import { type ReadWeights, readWeights } from './weights.js';

/** The ops only the PA pattern uses (no importer of their own). */
export const PA_PATTERN_OPS: ReadonlySet<string> = new Set(['GreaterOrEqual', 'Where']);

/** One PA interchange pattern found in an ONNX graph: what its PAConv2D needs. */
export interface PaMatch {
  conv: NodeProto;
  staircase: ReadStaircase;
  weights: ReadWeights;
  epilogue: ReadEpilogue;
}

export interface PaMatches {
  /** Each pattern by its last node, where the PAConv2D is added. */
  byLast: Map<NodeProto, PaMatch>;
  /** Every node some pattern consumed. */
  consumed: Set<NodeProto>;
  /** Why a Conv reading a Where was not taken as a PA conv, for the refusal. */
  mismatches: string[];
}

/**
 * Finds the PA interchange pattern of PA-ONNX.md: a Conv whose input is a Where chain over
 * GreaterOrEqual (the activation staircase), with its weights and the epilogue after it.
 */
export function findPaPatterns(
  graph: NonNullable<ModelProto['graph']>,
  inits: Map<string, Initializer>,
  opset: number,
): PaMatches {
  const view = new OnnxGraphView(graph, inits, opset);
  const found: PaMatches = { byLast: new Map(), consumed: new Set(), mismatches: [] };
  if (!(graph.node ?? []).some((n) => n.opType === 'Where')) return found;
  for (const conv of graph.node ?? []) {
    if (conv.opType !== 'Conv') continue;
    const [q, w, b] = (conv.input ?? []).map((s) => s ?? '');
    if (!view.producedBy(q, 'Where')) continue;
    try {
      const staircase = readStaircase(view, q, conv);
      const weights = readWeights(view, w, conv);
      const convBias = b ? view.floatInit(b, 'the Conv bias').values : undefined;
      const epilogue = readEpilogue(view, conv, weights.shape[0], convBias);
      const match = { conv, staircase, weights, epilogue };
      found.byLast.set(epilogue.last, match);
      for (const n of [conv, ...staircase.nodes, ...weights.nodes, ...epilogue.nodes])
        found.consumed.add(n);
    } catch (error) {
      if (!(error instanceof PatternMismatch)) throw error;
      found.mismatches.push(`${nodeWhere(conv)} is not a PA conv: ${error.message}`);
    }
  }
  return found;
}
