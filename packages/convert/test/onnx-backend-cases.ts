// Runs one case of the ONNX project's backend tests (a folder with model.onnx and
// test_data_set_0/input_N.pb, output_N.pb) through importOnnx and a Session, the way the
// ONNX reference harness does: feed input N to graph input N, compare output N with
// rtol 1e-3 and atol 1e-7.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { permute, type Tensor, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { decodeOnnx, importOnnx } from '../src/index.js';
import { DataType, onnx, type TensorProto } from '../src/onnx/proto.js';

export const RTOL = 1e-3;
export const ATOL = 1e-7;

/** Node inputs that are weights: a graph input read only there becomes a constant. */
const WEIGHT_SLOTS: Record<string, number[]> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [1, 2],
  MatMul: [1],
  BatchNormalization: [1, 2, 3, 4],
  PRelu: [1],
  Pad: [1, 2, 3],
  Reshape: [1],
  Clip: [1, 2],
  Dropout: [1, 2],
};

function readTensorFile(path: string): TensorProto {
  return onnx.TensorProto.decode(readFileSync(path));
}

function floats(t: TensorProto): { dims: number[]; data: Float32Array } {
  const dims = (t.dims ?? []).map(Number);
  if (t.dataType !== DataType.FLOAT)
    throw new Error(`test tensor '${t.name}' has data type ${t.dataType}, not FLOAT`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const data = raw
    ? new Float32Array(new Uint8Array(raw).buffer)
    : Float32Array.from(t.floatData ?? []);
  return { dims, data };
}

function dataFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
    .map((f) => join(dir, f));
}

/** Every case folder under `root` (a folder holding model.onnx), as 'group/name'. */
export function listCases(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((group) =>
      readdirSync(join(root, group.name))
        .filter((name) => existsSync(join(root, group.name, name, 'model.onnx')))
        .map((name) => `${group.name}/${name}`),
    )
    .sort();
}

export interface LoadedCase {
  /** The model, with graph inputs read only as weights turned into initializers. */
  model: Uint8Array;
  /** The inputs still fed at run time, in graph input order. */
  inputs: TensorProto[];
  outputs: TensorProto[];
}

export function loadCase(dir: string): LoadedCase {
  const model = decodeOnnx(new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
  const data = join(dir, 'test_data_set_0');
  const given = dataFiles(data, 'input_').map(readTensorFile);
  const outputs = dataFiles(data, 'output_').map(readTensorFile);
  const graph = model.graph!;
  const initialized = new Set((graph.initializer ?? []).map((t) => t.name));
  const runtimeInputs = (graph.input ?? []).filter((i) => !initialized.has(i.name));
  const isWeight = (name: string) => {
    const reads = (graph.node ?? []).flatMap((n) =>
      (n.input ?? []).flatMap((v, slot) => (v === name ? [{ op: n.opType ?? '', slot }] : [])),
    );
    return reads.length > 0 && reads.every((r) => WEIGHT_SLOTS[r.op]?.includes(r.slot));
  };
  const inputs: TensorProto[] = [];
  graph.initializer = [...(graph.initializer ?? [])];
  for (const [i, input] of runtimeInputs.entries()) {
    const t = given[i];
    if (!t) throw new Error(`no test data for graph input ${i} '${input.name}'`);
    if (isWeight(input.name ?? '')) graph.initializer.push({ ...t, name: input.name });
    else inputs.push(t);
  }
  return { model: onnx.ModelProto.encode(model).finish(), inputs, outputs };
}

const toNhwc = (dims: number[], data: Float32Array): Tensor =>
  tensor('float32', [dims[0], dims[2], dims[3], dims[1]], permute(data, dims, [0, 2, 3, 1]));

export interface CaseResult {
  /**
   * Over all outputs: the largest (|actual - expected| - rtol |expected|) / atol (<= 1 passes);
   * equal infinities and NaN against NaN match, as in numpy's assert_allclose.
   */
  worst: number;
  detail: string;
  /** How many of the graph's nodes ran on the backend asked for (the rest fell back to js). */
  onBackend: number;
}

/**
 * Imports and runs a loaded case on one backend (nodes whose op it lacks run on js, as the
 * Session places them); throws what importOnnx or the Session throws.
 */
export async function runCase(loaded: LoadedCase, backend: string): Promise<CaseResult> {
  const graph = importOnnx(loaded.model);
  const nchw = new Set((graph.metadata.onnxNchw as string[] | undefined) ?? []);
  const feeds: Record<string, Tensor> = {};
  for (const [i, info] of graph.inputs.entries()) {
    const { dims, data } = floats(loaded.inputs[i]);
    feeds[info.name] = nchw.has(info.name) ? toNhwc(dims, data) : tensor('float32', dims, data);
  }
  const session = await Session.create(graph, { backend, fallback: false });
  try {
    const out = await session.run(feeds);
    let worst = 0;
    const details: string[] = [];
    for (const [i, name] of graph.outputs.entries()) {
      const expected = floats(loaded.outputs[i]);
      const got = out[name];
      let actual = got.data as Float32Array;
      let shape = [...got.shape];
      if (nchw.has(name)) {
        actual = permute(actual, shape, [0, 3, 1, 2]);
        shape = [shape[0], shape[3], shape[1], shape[2]];
      }
      if (shape.join() !== expected.dims.join()) {
        details.push(`${name}: shape [${shape}] instead of [${expected.dims}]`);
        worst = Number.POSITIVE_INFINITY;
        continue;
      }
      let w = 0;
      for (let k = 0; k < actual.length; k++) {
        const e = expected.data[k];
        if (Object.is(actual[k], e) || (Number.isNaN(actual[k]) && Number.isNaN(e))) continue;
        const err = Math.abs(actual[k] - e) - RTOL * Math.abs(e);
        if (!(err <= ATOL)) w = Math.max(w, Number.isNaN(err) ? Infinity : err / ATOL);
      }
      if (w > 1) details.push(`${name}: off by ${(w * ATOL).toExponential(2)} beyond tolerance`);
      worst = Math.max(worst, w);
    }
    const onBackend = session.profile().nodes.filter((n) => n.backend === backend).length;
    return { worst, detail: details.join('; '), onBackend };
  } finally {
    session.dispose();
  }
}
