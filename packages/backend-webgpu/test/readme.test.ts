import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const { supported } = await runExample(example, {
    '@pabnn/backend-webgpu': path('../dist/index.js'),
  });
  expect(supported).toBe(true);
});
