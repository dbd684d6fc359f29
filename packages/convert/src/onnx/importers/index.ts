import type { NodeImporter } from '../import-context.js';
import { add } from './add.js';
import { batchNorm } from './batch-norm.js';
import { cast } from './cast.js';
import { clip } from './clip.js';
import { concat } from './concat.js';
import { constant } from './constant.js';
import { constantOfShape } from './constant-of-shape.js';
import { conv } from './conv.js';
import { convTranspose } from './conv-transpose.js';
import { flatten } from './flatten.js';
import { gather } from './gather.js';
import { gemm } from './gemm.js';
import { globalAveragePool } from './global-average-pool.js';
import { globalMaxPool } from './global-max-pool.js';
import { hardSigmoid } from './hard-sigmoid.js';
import { identity } from './identity.js';
import { leakyRelu } from './leaky-relu.js';
import { pad } from './pad.js';
import { pool } from './pool.js';
import { prelu } from './prelu.js';
import { reduceMean } from './reduce-mean.js';
import { relu } from './relu.js';
import { scale } from './scale.js';
import { shape } from './shape.js';
import { sigmoid } from './sigmoid.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { squeeze } from './squeeze.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';

const ALL: NodeImporter[] = [
  add,
  batchNorm,
  cast,
  clip,
  concat,
  constant,
  constantOfShape,
  conv,
  convTranspose,
  flatten,
  gather,
  gemm,
  globalAveragePool,
  globalMaxPool,
  hardSigmoid,
  identity,
  leakyRelu,
  pad,
  pool,
  prelu,
  reduceMean,
  relu,
  scale,
  shape,
  sigmoid,
  slice,
  softmax,
  squeeze,
  sum,
  tanh,
  transpose,
];

/** The ONNX importer's handlers by op type: one module per op (or family of ops). */
export const ONNX_IMPORTERS: ReadonlyMap<string, NodeImporter> = new Map(
  ALL.flatMap((importer) => importer.ops.map((op) => [op, importer] as const)),
);
