import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAblation } from '../src/benchmarks/ablation.js';
import { ABLATION_CPU_RUNS, runFileName } from '../src/benchmarks/accuracy/recipe.js';

// `pnpm bench ablation` reads whichever runs have results: missing ones give no rows.
const dir = mkdtempSync(join(tmpdir(), 'pabnn-ablation-'));
const saved = process.env.PABNN_REPORTS_DIR;
beforeAll(() => {
  process.env.PABNN_REPORTS_DIR = dir;
  mkdirSync(join(dir, 'accuracy-runs'), { recursive: true });
});
afterAll(() => {
  if (saved === undefined) delete process.env.PABNN_REPORTS_DIR;
  else process.env.PABNN_REPORTS_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

const write = (id: string, result: object) =>
  writeFileSync(join(dir, 'accuracy-runs', `${runFileName(id)}.json`), JSON.stringify(result));
const spec = (suffix: string) => {
  const s = ABLATION_CPU_RUNS.find((r) => r.id === `fashion-mnist/resnet8/pa-2x2-${suffix}`);
  if (!s) throw new Error(`the recipe lost pa-2x2-${suffix}`);
  return s;
};
const result = (top1Before: number, top1: number) => ({
  top1,
  top1BeforeBnReestimation: top1Before,
  epochs: 1,
  trainImages: 10_000,
  device: 'wasm',
  trainSeconds: 100,
});
const rowsOf = () => {
  const report = JSON.parse(readFileSync(join(dir, 'ablation.json'), 'utf8'));
  return report.rows.map((r: { step: string; top1: number }) => [r.step, r.top1]);
};

it('gives the staged rows when their run has a result, and skips runs without one', async () => {
  write('fashion-mnist/resnet8/float', { top1: 0.9, device: 'wasm' });
  write(spec('bn-10k-1ep').id, result(0.75, 0.77));
  await runAblation();
  expect(rowsOf()).toEqual([
    ['recipe', 0.75],
    ['+ BN re-estimation', 0.77],
  ]);

  write(spec('staged-bn-10k-1ep').id, result(0.78, 0.8));
  await runAblation();
  expect(rowsOf()).toEqual([
    ['recipe', 0.75],
    ['+ BN re-estimation', 0.77],
    ['+ staged binarization', 0.78],
    ['+ staged + BN re-estimation', 0.8],
  ]);
  const md = readFileSync(join(dir, 'ablation.md'), 'utf8');
  expect(md).toContain('| + staged + BN re-estimation | 80.00 |');
  expect(spec('staged-bn-10k-1ep').stagedBinarization).toEqual({ activationsOnlyFraction: 1 / 3 });
});
