import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  fit,
  loadCheckpoint,
  saveCheckpoint,
  TrainableModel,
  TrainError,
  useDevice,
} from '../src/index.js';
import { SYNTHETIC_DATA } from './synthetic-data.js';

const dir = mkdtempSync(join(tmpdir(), 'pabnn-checkpoint-'));

const data = SYNTHETIC_DATA;
const run = { epochs: 2, batchSize: 4, learningRate: 1e-3 } as const; // 4 batches per epoch
const model = () =>
  new TrainableModel('resnet8', {
    input: 'mnist',
    scheme: 'pa',
    weightBases: 1,
    activationBases: 1,
  });

let good: Checkpoint;
beforeAll(async () => {
  await useDevice('wasm');
  const path = join(dir, 'good.json');
  const m = model();
  await fit(m, data, { ...run, checkpoint: path, maxSteps: 1 });
  m.dispose();
  good = loadCheckpoint(path)!;
}, 120_000);

/** A checkpoint file of `good` edited by `edit`, correctly checksummed. */
function edited(name: string, edit: (c: Checkpoint) => void): string {
  const c = structuredClone(good);
  edit(c);
  const path = join(dir, name);
  saveCheckpoint(path, c);
  return path;
}

async function expectRefused(path: string, message: RegExp) {
  const m = model();
  try {
    await expect(fit(m, data, { ...run, checkpoint: path, maxSteps: 1 })).rejects.toThrow(message);
    await expect(fit(m, data, { ...run, checkpoint: path, maxSteps: 1 })).rejects.toBeInstanceOf(
      TrainError,
    );
  } finally {
    m.dispose();
  }
}

describe('checkpoints are checked before resuming', () => {
  it('the run wrote a checkpoint at epoch 0, batch 1, with every parameter', () => {
    expect([good.epoch, good.batch, good.optimizerStep, good.history.length]).toEqual([0, 1, 1, 0]);
    expect(Object.keys(good.state).some((k) => k.endsWith('/act_thresholds'))).toBe(true);
  });

  it('refuses altered bytes with the checksum', () => {
    const path = join(dir, 'good.json');
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf('"state":{') + 40;
    const altered = join(dir, 'altered.json');
    writeFileSync(altered, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    expect(() => loadCheckpoint(altered)).toThrow(/altered.json fails its checksum/);
  });

  it('refuses a file over maxFileBytes before reading it, and a directory', () => {
    const path = join(dir, 'good.json');
    expect(() => loadCheckpoint(path, { limits: { maxFileBytes: 1000 } })).toThrow(
      /good.json: its size in bytes is \d+, over the limit maxFileBytes = 1000/,
    );
    expect(() => loadCheckpoint(dir)).toThrow(/is not a regular file/);
  });

  it('refuses a null or empty state and fields of the wrong type, naming them', () => {
    const text = readFileSync(join(dir, 'good.json'), 'utf8');
    const raw = JSON.parse(text);
    const write = (name: string, edit: (r: Record<string, unknown>) => void) => {
      const r = structuredClone(raw);
      delete r.checksum;
      r.magic = 'pabnn-checkpoint-1'; // a legacy file: no checksum to stop it first
      edit(r);
      writeFileSync(join(dir, name), JSON.stringify(r));
      return join(dir, name);
    };
    expect(() => loadCheckpoint(write('null.json', (r) => (r.state = null)))).toThrow(
      /null.json: state must be an object of parameters, got null/,
    );
    expect(() => loadCheckpoint(write('empty.json', (r) => (r.state = {})))).toThrow(
      /state holds no parameters/,
    );
    expect(() => loadCheckpoint(write('epoch.json', (r) => (r.epoch = -1)))).toThrow(
      /epoch must be a non-negative integer, got -1/,
    );
    expect(loadCheckpoint(write('legacy.json', () => undefined))?.epoch).toBe(0);
  });

  it('refuses a missing layer, a wrong shape, a missing staircase, never starting fresh', async () => {
    const [conv] = Object.keys(good.state).filter((k) => /kernel|weight/.test(k));
    await expectRefused(
      edited('missing.json', (c) => delete c.state[conv]),
      new RegExp(`missing.json cannot be resumed: parameter '${conv}' is missing`),
    );
    await expectRefused(
      edited('shape.json', (c) => (c.state[conv] = c.state[conv].subarray(1))),
      new RegExp(`parameter '${conv}' has ${good.state[conv].length - 1} values, the model needs`),
    );
    const staircase = Object.keys(good.state).find((k) => k.endsWith('/act_thresholds'))!;
    await expectRefused(
      edited('stairs.json', (c) => delete c.state[staircase]),
      /act_thresholds' is missing/,
    );
    await expectRefused(
      edited('nan.json', (c) => (c.state[conv][3] = Number.NaN)),
      new RegExp(`parameter '${conv}' holds NaN at index 3`),
    );
  }, 120_000);

  it('refuses a position past the run or inconsistent with its history and steps', async () => {
    await expectRefused(
      edited('past.json', (c) => {
        c.epoch = 5;
        c.batch = 0;
      }),
      /position \(epoch 5, batch 0\) is outside the run \(2 epochs of 4 batches\)/,
    );
    await expectRefused(
      edited('done.json', (c) => {
        c.epoch = 2;
        c.batch = 0;
      }),
      /it has 0 epochs of history at epoch 2/,
    );
    await expectRefused(
      edited('steps.json', (c) => (c.optimizerStep = 40)),
      /its optimizer took 40 steps, the position says 1/,
    );
  }, 120_000);

  it('resumes the good checkpoint', async () => {
    const m = model();
    const path = edited('resume.json', () => undefined);
    const result = await fit(m, data, { ...run, checkpoint: path, maxSteps: 1 });
    expect(result.resumedFrom).toEqual({ epoch: 0, batch: 1 });
    m.dispose();
  }, 120_000);
});
