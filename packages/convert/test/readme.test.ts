import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';
import { ONNX_EXPORT_OPS, ONNX_IMPORT_OPS, ONNX_OPSETS, TFJS_LAYERS } from '../src/index.js';

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

it('lists the ONNX opsets and ops the code maps', () => {
  const readme = readFileSync(path('../README.md'), 'utf8');
  const marked = (name: string) =>
    readme.match(new RegExp(`<!-- ${name} -->([^<]*)<!-- /${name} -->`))?.[1];
  expect(marked('onnx-opsets')).toBe(`${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}`);
  expect(marked('onnx-import-ops')).toBe(ONNX_IMPORT_OPS.join(', '));
  expect(marked('onnx-export-ops')).toBe(ONNX_EXPORT_OPS.join(', '));
  expect(marked('tfjs-layers')).toBe(TFJS_LAYERS.join(', '));
});
