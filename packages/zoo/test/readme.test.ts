import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const { result } = (await runExample(example, { '@pabnn/zoo': path('../src/index.ts') })) as {
    result: { names: string[]; mbit: number; smallNodes: number };
  };
  expect(result.names).toEqual(['abc_resnet18', 'pa_resnet18', 'resnet18', 'xnor_resnet18']);
  expect(result.mbit).toBe(62);
  expect(result.smallNodes).toBeGreaterThan(10);
});
