import type { Graph } from '@pabnn/ir';
import { foldBatchNorm } from './fold-batchnorm.js';
import { foldPad } from './fold-pad.js';

export interface SimplifyReport {
  foldedPads: number;
  foldedBatchNorms: number;
}

/** The inference simplifications, in order: zero Pads into convs, BatchNorms into convs. */
export function simplify(graph: Graph): { graph: Graph; report: SimplifyReport } {
  const pads = foldPad(graph);
  const bns = foldBatchNorm(pads.graph);
  return { graph: bns.graph, report: { foldedPads: pads.folded, foldedBatchNorms: bns.folded } };
}
