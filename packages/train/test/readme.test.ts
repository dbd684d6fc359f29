import { fileURLToPath } from 'node:url';
import { readmeExamples, runExample } from '@pabnn/config/readme';
import { expect, it } from 'vitest';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

it('the README example runs', async () => {
  const [example] = readmeExamples(path('../README.md'));
  const result = await runExample(example, {
    '@pabnn/ir': path('../../ir/dist/index.js'),
    '@pabnn/train': path('../dist/index.js'),
  });
  const r = result.result as { steps: number; top1Finite: boolean; fileBytes: number };
  expect(r.steps).toBe(8);
  expect(r.top1Finite).toBe(true);
  expect(r.fileBytes).toBeGreaterThan(10_000);
}, 300_000);

it('the per-layer bases example runs', async () => {
  const [, example] = readmeExamples(path('../README.md'));
  const result = await runExample(example, {
    '@pabnn/train': path('../dist/index.js'),
  });
  expect(result.result).toEqual({ layers: 8, withinBudget: true, mixedLayers: 8 });
}, 300_000);
