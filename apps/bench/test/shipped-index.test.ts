import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAIN_RUNS, RUNS, runFileName } from '../src/benchmarks/accuracy/recipe.js';
import { writeShippedIndex } from '../src/benchmarks/accuracy/shipped.js';

// models/shipped.json lists the main rows' model files that exist, in the recipe's order, and
// nothing else in the folder (apps/web copies only these into the demo).
const dir = mkdtempSync(join(tmpdir(), 'pabnn-shipped-'));
const saved = process.env.PABNN_MODELS_DIR;
beforeAll(() => {
  process.env.PABNN_MODELS_DIR = dir;
});
afterAll(() => {
  if (saved === undefined) delete process.env.PABNN_MODELS_DIR;
  else process.env.PABNN_MODELS_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

it('lists the existing main-row models only, in the recipe order', () => {
  const notMain = RUNS.find((r) => !MAIN_RUNS.includes(r));
  if (!notMain) throw new Error('every run is a main row');
  const present = [MAIN_RUNS[2], MAIN_RUNS[0], notMain];
  mkdirSync(dir, { recursive: true });
  for (const r of present) writeFileSync(join(dir, `${runFileName(r.id)}.pabnn`), 'model bytes');
  const expected = [MAIN_RUNS[0], MAIN_RUNS[2]].map((r) => `${runFileName(r.id)}.pabnn`);
  expect(writeShippedIndex()).toEqual(expected);
  expect(JSON.parse(readFileSync(join(dir, 'shipped.json'), 'utf8')).models).toEqual(expected);
});
