import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(readme);
  const { result } = (await runExample(example, { '@pabnn/quantizer': src })) as {
    result: { error: number; restored: number; thresholds: number[] };
  };
  expect(result.error).toBeLessThan(0.05);
  expect(result.restored).toBe(288);
  expect(result.thresholds).toEqual([5]);
});
