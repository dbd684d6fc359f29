// Structure-aware fuzzing of training checkpoints: a real checkpoint's JSON gets one or two
// hostile changes (mutateJson: replaced, deleted or duplicated fields and values), is written
// with its checksum recomputed half the time, and goes through what `fit` does before resuming
// (loadCheckpoint, then checkResumable against the model and the run). Each case must be
// refused with a typed PabnnError, or be accepted only if it meets the invariants checked here
// independently. Seeded: a failing case replays from its number.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutateJson, rng } from '@pabnn/config/fuzz';
import { crc32, PabnnError } from '@pabnn/ir';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Checkpoint, fit, loadCheckpoint, TrainableModel, useDevice } from '../src/index.js';
import { checkResumable, type ResumeExpectation } from '../src/loop/checkpoint-structure.js';
import { SYNTHETIC_DATA } from './synthetic-data.js';

const CASES = 200; // each case writes and parses the whole checkpoint (~0.04 s)
const dir = mkdtempSync(join(tmpdir(), 'pabnn-checkpoint-fuzz-'));
const data = SYNTHETIC_DATA;

let raw: Record<string, unknown>;
let run: ResumeExpectation;
beforeAll(async () => {
  await useDevice('wasm');
  const path = join(dir, 'good.json');
  const model = new TrainableModel('resnet8', {
    input: 'mnist',
    scheme: 'pa',
    weightBases: 1,
    activationBases: 1,
  });
  await fit(model, data, { epochs: 2, batchSize: 4, checkpoint: path, maxSteps: 1 });
  raw = JSON.parse(readFileSync(path, 'utf8'));
  const fresh = new TrainableModel('resnet8', {
    input: 'mnist',
    scheme: 'pa',
    weightBases: 1,
    activationBases: 1,
  });
  run = {
    parameters: new Map(Object.entries(await fresh.state()).map(([k, v]) => [k, v.length])),
    binarized: fresh.binarizedLayers(),
    epochs: 2,
    batchesPerEpoch: 4,
  };
  model.dispose();
  fresh.dispose();
}, 120_000);

/** What an accepted checkpoint must satisfy, written independently of the checks. */
function violation(c: Checkpoint): string | undefined {
  for (const [name, size] of run.parameters) {
    if (c.state[name]?.length !== size) return `parameter ${name} has ${c.state[name]?.length}`;
  }
  for (const [name, d] of Object.entries(c.state))
    if (!d.every(Number.isFinite)) return `parameter ${name} is not finite`;
  if (c.epoch > 2 || c.batch >= 4 || (c.epoch === 2 && c.batch > 0)) return 'position';
  if (c.history.length !== c.epoch) return 'history';
  if (c.optimizerStep !== c.epoch * 4 + c.batch) return 'steps';
  return undefined;
}

describe('checkpoint fuzzing', () => {
  it(`${CASES} damaged checkpoints: refused with a typed error or sound`, () => {
    const r = rng(20261210);
    const keys = ['epoch', 'batch', 'state', 'optimizer', 'history', 'seconds', 'optimizerStep'];
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let i = 0; i < CASES; i++) {
      const { checksum: _, ...body } = raw;
      let mutated: unknown = mutateJson(r, body, keys);
      if (r() < 0.5) mutated = mutateJson(r, mutated, keys);
      const resign =
        r() < 0.5 && typeof mutated === 'object' && mutated !== null && !Array.isArray(mutated);
      const out = resign
        ? {
            ...(mutated as object),
            checksum: crc32(new TextEncoder().encode(JSON.stringify(mutated)))
              .toString(16)
              .padStart(8, '0'),
          }
        : mutated;
      const path = join(dir, `case-${i % 4}.json`);
      writeFileSync(path, JSON.stringify(out) ?? 'null');
      try {
        const c = loadCheckpoint(path)!;
        checkResumable(path, c, run);
        const bad = violation(c);
        if (bad) throw new Error(`case ${i} was accepted with a bad ${bad}`);
        count('accepted');
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i}: untyped ${String(error)}`, { cause: error });
        }
        count(
          `${resign ? 're-signed' : 'altered'}: ${error.message.includes('checksum') ? 'checksum' : error.code}`,
        );
      }
    }
    console.log(`checkpoint fuzz: ${CASES} cases`, Object.fromEntries([...outcomes].sort()));
    expect(outcomes.get('altered: checksum') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('re-signed: checkpoint') ?? 0).toBeGreaterThan(0);
  });
});
