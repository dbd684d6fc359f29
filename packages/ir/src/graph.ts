import type { DType } from './dtype.js';
import type { Attrs } from './ops/schema.js';
import type { Shape, Tensor } from './tensor.js';

/** A named graph input. -1 in `shape` marks a dim known only at run time (e.g. batch). */
export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Shape;
}

/**
 * One op application. `inputs` and `outputs` are value names; an empty string in `inputs`
 * marks an optional input that is absent.
 */
export interface Node {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
}

/** JSON-serializable extra information: quantizer configs, provenance, labels. */
export type Metadata = Record<string, unknown>;

export interface Graph {
  name: string;
  inputs: ValueInfo[];
  outputs: string[];
  nodes: Node[];
  /** Constant tensors (weights, thresholds, ...) by value name. */
  constants: Map<string, Tensor>;
  metadata: Metadata;
}
