import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const result = await runExample(example, {
    '@pabnn/ir': path('../../ir/dist/index.js'),
    '@pabnn/backend': path('../../backend/dist/index.js'),
  });
  expect(result.result).toEqual({
    refused: expect.stringMatching(/built for backend API 2.0.0/),
    names: expect.arrayContaining(['mine']),
    priority: 10,
  });
});
