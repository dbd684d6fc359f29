// Import checks for small ONNX models: numbers against onnxruntime-web, or the refusal.
import '@pabnn/backend-wasm';
import { relativeMaxError } from '@pabnn/backend/conformance';
import { permute, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { expect } from 'vitest';
import { ConvertError, importOnnx } from '../src/index.js';
import { randomImage, runOrt } from './onnx-helpers.js';
import { attrs, buildModel, type ModelSpec } from './onnx-model.js';

/**
 * Runs the model on the js and wasm backends and in onnxruntime-web on the same NCHW data (of
 * `feedDims` where the input's dims are symbolic); the largest relative error.
 */
export async function errorAgainstOrt(
  spec: ModelSpec,
  seed = 3,
  feedDims?: number[],
): Promise<number> {
  const model = buildModel(spec);
  const graph = importOnnx(model);
  const nchw = new Set(graph.metadata.onnxNchw as string[]);
  const [name, given] = Object.entries(spec.inputs)[0];
  // symbolic dims need the sizes to feed
  const dims = feedDims ?? (given as number[]);
  const x = randomImage(dims, seed);
  const feed = nchw.has(name)
    ? tensor(
        'float32',
        [dims[0], dims[2], dims[3], dims[1]],
        permute(x.data as Float32Array, dims, [0, 2, 3, 1]),
      )
    : x;
  const ort = await runOrt(model, { [name]: x });
  let worst = 0;
  for (const backend of ['js', 'wasm']) {
    const session = await Session.create(graph, { backend, fallback: false });
    const out = (await session.run({ [name]: feed }))[graph.outputs[0]];
    session.dispose();
    const ours = nchw.has(graph.outputs[0])
      ? permute(out.data as Float32Array, out.shape, [0, 3, 1, 2])
      : (out.data as Float32Array);
    worst = Math.max(worst, relativeMaxError(ours, ort[spec.outputs[0]]));
  }
  return worst;
}

/** The ConvertError message importOnnx refuses the model with. */
export const refusal = (spec: ModelSpec) => {
  try {
    importOnnx(buildModel(spec));
  } catch (error) {
    expect(error).toBeInstanceOf(ConvertError);
    return (error as Error).message;
  }
  throw new Error('imported, expected a refusal');
};

/** A node with output 'y', named after its op. */
export const node = (
  opType: string,
  input: string[],
  a: Record<string, number | number[] | string> = {},
) => ({
  opType,
  input,
  output: ['y'],
  name: opType.toLowerCase(),
  attribute: attrs(a),
});
