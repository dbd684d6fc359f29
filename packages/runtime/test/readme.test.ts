import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const result = await runExample(example, {
    '@pabnn/ir': path('../../ir/dist/index.js'),
    '@pabnn/backend': path('../../backend/dist/index.js'),
    '@pabnn/backend-js': path('../../backend-js/dist/index.js'),
    '@pabnn/runtime': path('../../runtime/dist/index.js'),
  });
  expect(result.result).toEqual({ shape: [2, 3], backend: 'js', nodes: 2 });
});
