import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDone } from '../src/benchmarks/accuracy/jobs.js';
import { RUNS, runFileName } from '../src/benchmarks/accuracy/recipe.js';

// A result on disk counts as done only when it was trained with the current spec: after a
// recipe change (1 -> 3 fine-tuning epochs) the old result under the same id must be retrained.
const dir = mkdtempSync(join(tmpdir(), 'pabnn-run-done-'));
const saved = { models: process.env.PABNN_MODELS_DIR, reports: process.env.PABNN_REPORTS_DIR };
beforeAll(() => {
  process.env.PABNN_MODELS_DIR = join(dir, 'models');
  process.env.PABNN_REPORTS_DIR = join(dir, 'reports');
});
afterAll(() => {
  for (const [key, value] of [
    ['PABNN_MODELS_DIR', saved.models],
    ['PABNN_REPORTS_DIR', saved.reports],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

const spec = RUNS.find((r) => r.id === 'mnist/resnet8/pa-4x5');
if (!spec) throw new Error('the recipe lost mnist/resnet8/pa-4x5');
const run = spec;

function writeRun(recorded: object | string, withModel = true) {
  const name = runFileName(run.id);
  mkdirSync(join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'reports', 'accuracy-runs'), { recursive: true });
  rmSync(join(dir, 'models', `${name}.pabnn`), { force: true });
  if (withModel) writeFileSync(join(dir, 'models', `${name}.pabnn`), 'model bytes');
  const body = typeof recorded === 'string' ? recorded : JSON.stringify({ spec: recorded });
  writeFileSync(join(dir, 'reports', 'accuracy-runs', `${name}.json`), body);
}

it('counts a result trained with the same spec as done, whatever its key order', () => {
  const reordered = Object.fromEntries(Object.entries(spec).reverse());
  writeRun(reordered);
  expect(runDone(spec)).toBe(true);
});

it('trains again when the recorded spec differs (an older recipe under the same id)', () => {
  writeRun({ ...spec, epochs: spec.epochs - 1 });
  expect(runDone(spec)).toBe(false);
});

it('trains again when the model file is missing or the result is unreadable', () => {
  writeRun(spec, false);
  expect(runDone(spec)).toBe(false);
  writeRun('{"spec": ', true);
  expect(runDone(spec)).toBe(false);
});
