import '@pabnn/backend-js';
import type { Graph, Tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

/** Runs ONNX bytes in onnxruntime-web (wasm EP) on NHWC float feeds. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const inputs = Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [
      k,
      new ort.Tensor('float32', t.data as Float32Array, [...t.shape]),
    ]),
  );
  const out = await session.run(inputs);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

export async function runOurs(
  graph: Graph,
  feeds: Record<string, Tensor>,
): Promise<Record<string, Float32Array>> {
  const session = await Session.create(graph, { backend: 'js' });
  const out = await session.run(feeds);
  session.dispose();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
}

export function randomImage(shape: number[], seed = 1): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    dtype: 'float32',
    shape,
    data: Float32Array.from(
      { length: n },
      () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1,
    ),
  };
}
