import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README examples run', async () => {
  const [example, pathExample, threadedExample] = readmeExamples(path('../README.md'));
  const { result } = (await runExample(example, {
    '@pabnn/backend-wasm': path('../dist/index.js'),
  })) as { result: { name: string; ops: string[]; simd: boolean } };
  expect(result).toEqual({
    name: 'wasm',
    ops: [
      'PAConv2D',
      'Conv2D',
      'DepthwiseConv2D',
      'BatchNorm',
      'Relu',
      'Clip',
      'Add',
      'MaxPool',
      'AvgPool',
      'GlobalAvgPool',
      'Dense',
      'Concat',
    ],
    simd: true,
  });
  const forced = await runExample(pathExample, {
    '@pabnn/backend-wasm': path('../dist/index.js'),
  });
  expect(forced.result).toEqual({ build: 'simd' });
  const threaded = await runExample(threadedExample, {
    '@pabnn/backend-wasm': path('../dist/index.js'),
  });
  expect(threaded.result).toEqual({ threads: 2, build: 'simd' });
});
