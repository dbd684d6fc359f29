import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(readme);
  const module = await runExample(example, { '@pabnn/ir': src });
  expect(module.outputShape).toEqual([-1, 10]);
});

it('the README limits example refuses a file over maxFileBytes', async () => {
  const [, example] = readmeExamples(readme);
  const module = await runExample(example, { '@pabnn/ir': src });
  expect(module.limit).toBe('maxFileBytes');
});
