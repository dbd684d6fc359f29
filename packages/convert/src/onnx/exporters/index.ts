import type { NodeExporter } from '../export-context.js';
import { add } from './add.js';
import { batchNorm } from './batch-norm.js';
import { clip } from './clip.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { convTranspose } from './conv-transpose.js';
import { dense } from './dense.js';
import { globalAvgPool } from './global-avg-pool.js';
import { pad } from './pad.js';
import { pool } from './pool.js';
import { prelu } from './prelu.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';

const ALL: NodeExporter[] = [
  add,
  batchNorm,
  clip,
  concat,
  conv,
  convTranspose,
  dense,
  globalAvgPool,
  pad,
  pool,
  prelu,
  relu,
  reshape,
  sigmoid,
  softmax,
  tanh,
  transpose,
];

/** The ONNX exporter's handlers by IR op: one module per op (or family of ops). */
export const ONNX_EXPORTERS: ReadonlyMap<string, NodeExporter> = new Map(
  ALL.flatMap((exporter) => exporter.ops.map((op) => [op, exporter] as const)),
);
