import '@pabnn/backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, fit, loadDataset, TrainableModel, TrainError, useDevice } from '../src/index.js';
import { explainStepFailure } from '../src/loop/step-failure.js';

// TF.js's wasm backend reports an exhausted heap as a bare WebAssembly trap. A real trap, from a
// 60-byte module that loads past the end of its one 64 KiB page, stands in for it here: the real
// one (DenseNet-121 at batch 128) needs more than 4 GB and minutes.
const outOfBounds = new WebAssembly.Instance(
  new WebAssembly.Module(
    Buffer.from(
      [
        '0061736d01000000', // magic, version
        '0105016000017f', // type section: type 0 is () -> i32
        '03020100', // function section: function 0 has type 0
        '0503010001', // memory section: one memory of one page
        '070801046c6f61640000', // export section: "load" is function 0
        '0a0b010900418080082802000b', // code: i32.load from address 131072, past the page
      ].join(''),
      'hex',
    ),
  ),
).exports.load as () => number;

beforeAll(async () => {
  await useDevice('wasm');
});

describe('a training step or evaluation batch that traps in WebAssembly', () => {
  it('the trap is real', () => {
    expect(outOfBounds).toThrow(WebAssembly.RuntimeError);
  });

  it('becomes a TrainError that names the memory and what to change', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    const run = fit(model, loadDataset('fashion-mnist', 'train', { limit: 256 }), {
      epochs: 1,
      batchSize: 64,
      onProgress: () => outOfBounds(),
    });
    await expect(run).rejects.toThrow(TrainError);
    await expect(run).rejects.toHaveProperty('cause.message', 'memory access out of bounds');
    await expect(run).rejects.toThrow(
      /training step failed inside TF.js's 'wasm' backend \(memory access out of bounds\).*64 images at a time.*use microBatchSize.*a smaller batchSize/,
    );
    model.dispose();
  }, 120_000);

  it('in an evaluation batch, it becomes a TrainError that names the batch and its remedy', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    const run = evaluate(model, loadDataset('fashion-mnist', 'test', { limit: 100 }), {
      batchSize: 50,
      onProgress: () => outOfBounds(),
    });
    await expect(run).rejects.toThrow(TrainError);
    await expect(run).rejects.toHaveProperty('cause.message', 'memory access out of bounds');
    await expect(run).rejects.toThrow(
      /evaluation batch failed inside TF.js's 'wasm' backend \(memory access out of bounds\).*50 images at a time.*smaller batchSize/,
    );
    await expect(
      evaluate(model, loadDataset('fashion-mnist', 'test', { limit: 10 }), { batchSize: 0 }),
    ).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    model.dispose();
  }, 120_000);

  it('other errors pass through unchanged', () => {
    const other = new RangeError('shape mismatch');
    expect(explainStepFailure(other, 64)).toBe(other);
    const own = new TrainError('nan', 'loss became NaN');
    expect(explainStepFailure(own, 64)).toBe(own);
  });
});
