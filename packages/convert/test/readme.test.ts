import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

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
