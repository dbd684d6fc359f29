import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';
import { ONNX_EXPORT_OPS, ONNX_IMPORT_OPS, ONNX_OPSETS, TFJS_LAYERS } from '../src/index.js';
import { listCases } from './onnx-backend-cases.js';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const { result } = (await runExample(example, {
    '@pabnn/convert': path('../src/index.ts'),
    '@pabnn/zoo': path('../../zoo/dist/index.js'),
  })) as {
    result: {
      binarized: number;
      report: { foldedBatchNorms: number };
      last: string;
      nodes: number;
    };
  };
  expect(result.binarized).toBe(8);
  expect(result.report.foldedBatchNorms).toBe(9);
  expect(result.last).toMatch(/^8\/8 /);
});

it('the PA interchange example of PA-ONNX.md imports and runs', async () => {
  const [example] = readmeExamples(path('../PA-ONNX.md'));
  const { result } = (await runExample(example, {
    '@pabnn/convert': path('../src/index.ts'),
    '@pabnn/backend-js': path('../../backend-js/dist/index.js'),
    '@pabnn/ir': path('../../ir/dist/index.js'),
    '@pabnn/runtime': path('../../runtime/dist/index.js'),
    'onnx-proto': createRequire(import.meta.url).resolve('onnx-proto'),
  })) as { result: { ops: string[]; attrs: Record<string, unknown>; y: number[] } };
  expect(result.ops).toEqual(['PAConv2D']);
  expect(result.attrs).toMatchObject({ weightBases: 1, activationBases: 2, activation: 'relu' });
  expect(result.y[0]).toBeCloseTo(0.12, 6);
  expect(result.y[1]).toBe(0);
});

it('lists the ONNX opsets and ops the code maps', () => {
  const readme = readFileSync(path('../README.md'), 'utf8');
  const marked = (name: string) =>
    readme.match(new RegExp(`<!-- ${name} -->([^<]*)<!-- /${name} -->`))?.[1];
  expect(marked('onnx-opsets')).toBe(`${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}`);
  expect(marked('onnx-import-ops')).toBe(ONNX_IMPORT_OPS.join(', '));
  expect(marked('onnx-export-ops')).toBe(ONNX_EXPORT_OPS.join(', '));
  expect(marked('tfjs-layers')).toBe(TFJS_LAYERS.join(', '));
});

it('gives the passing count of the shared ONNX backend cases: all but the listed refusals', () => {
  const readme = readFileSync(path('../README.md'), 'utf8');
  const marked = (name: string) =>
    Number(readme.match(new RegExp(`<!-- ${name} -->([^<]*)<!-- /${name} -->`))?.[1]);
  const root = path('../../../../shared/onnx-backend-tests');
  expect(existsSync(root), `${root} is missing`).toBe(true);
  const refused = Object.keys(
    JSON.parse(readFileSync(path('./onnx-backend-refusals.json'), 'utf8')),
  ).length;
  const cases = listCases(root).length;
  expect(marked('onnx-backend-cases')).toBe(cases);
  expect(marked('onnx-backend-passing')).toBe(cases - refused);
});
