import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { load, save, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocateBases,
  batches,
  binaryOpsCost,
  choicesFromSensitivity,
  evaluate,
  fit,
  loadDataset,
  measureSensitivity,
  TrainableModel,
  TrainError,
  useDevice,
} from '../src/index.js';

// The CI smoke training (issue #10): a few hundred steps on the CPU that must lower the loss,
// and a binarized model whose exported .pabnn predicts what TF.js predicts, on js and wasm.
const dir = mkdtempSync(join(tmpdir(), 'pabnn-train-'));
const train = loadDataset('fashion-mnist', 'train', { limit: 64 * 40 });
const test = loadDataset('fashion-mnist', 'test', { limit: 400 });
let floatState: Record<string, Float32Array>;

beforeAll(async () => {
  await useDevice('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('smoke training on Fashion-MNIST (wasm, CPU)', () => {
  it('float ResNet-8: the loss goes down and accuracy beats chance', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    const result = await fit(model, train, { epochs: 2, batchSize: 64, learningRate: 2e-3 });
    expect(result.steps).toBe(80);
    expect(result.lastLoss).toBeLessThan(result.firstLoss * 0.6);
    expect((await evaluate(model, test)).top1).toBeGreaterThan(0.5);
    floatState = await model.state();
    model.dispose();
  }, 300_000);

  it('PA (2,2) fine-tuned from it exports a .pabnn that the runtime agrees with', async () => {
    const model = new TrainableModel('resnet8', {
      input: 'mnist',
      scheme: 'pa',
      weightBases: 2,
      activationBases: 2,
    });
    model.load(floatState);
    const result = await fit(model, train, {
      epochs: 1,
      batchSize: 64,
      maxSteps: 25,
      learningRate: 5e-4,
    });
    expect(result.lastLoss).toBeLessThan(result.firstLoss);
    const tfEval = await evaluate(model, test);
    // predictions don't depend on the evaluation batch, and progress counts every image once
    const done: number[] = [];
    const inSmallBatches = await evaluate(model, test, {
      batchSize: 37,
      onProgress: (d, total) => done.push(d, total),
    });
    expect(inSmallBatches.predictions).toEqual(tfEval.predictions);
    expect(done.slice(-2)).toEqual([400, 400]);
    expect(done.length / 2).toBe(Math.ceil(400 / 37));
    const bytes = save(await model.toGraph({ dataset: 'fashion-mnist' }));
    const graph = load(bytes);
    expect(graph.nodes.filter((n) => n.op === 'PAConv2D')).toHaveLength(8);
    for (const backend of ['js', 'wasm']) {
      const session = await Session.create(graph, { backend });
      let agree = 0;
      let offset = 0;
      for (const b of batches(test, { batchSize: 200, shuffle: false })) {
        const out = await session.run({
          image: tensor('float32', [b.size, 28, 28, 1], b.x.slice()),
        });
        const logits = Object.values(out)[0].data as Float32Array;
        for (let i = 0; i < b.size; i++) {
          const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
          if (row.indexOf(Math.max(...row)) === tfEval.predictions[offset + i]) agree++;
        }
        offset += b.size;
      }
      session.dispose();
      // identical but for activations within float32 rounding of a threshold (none expected)
      expect(agree / test.count).toBeGreaterThanOrEqual(0.995);
    }
    model.dispose();
  }, 300_000);

  it('a per-layer allocation with float convs, fine-tuned with distillation, runs the same on js and wasm', async () => {
    // issue 25's pipeline end to end: sensitivities -> allocation under a budget -> training
    // with the float teacher -> .pabnn -> the runtime on js and wasm
    const options = { input: 'mnist', scheme: 'pa', weightBases: 2, activationBases: 2 } as const;
    const sensitivity = await measureSensitivity({
      model: 'resnet8',
      options,
      floatState,
      data: train,
      images: 128,
      candidates: [{ weightBases: 1, activationBases: 1 }],
      bnReestimationBatches: 1,
    });
    expect(sensitivity.layers).toHaveLength(8);
    expect(sensitivity.reference.agreement).toBeGreaterThan(0.3);
    const cost = binaryOpsCost('resnet8', options);
    const choices = choicesFromSensitivity(sensitivity, cost);
    const full = choices.reduce((a, l) => a + l.choices[0].cost, 0);
    const { layerBases } = allocateBases(choices, 0.6 * full);
    const values = Object.values(layerBases);
    expect(values.some((b) => b.weightBases === 1)).toBe(true);
    expect(values.some((b) => b.weightBases === 2)).toBe(true);

    // the first block's convs stay float (the zoo's floatConvs), the rest as allocated
    const floatConvs = ['layer1.0.conv1', 'layer1.0.conv2'];
    for (const name of floatConvs) delete layerBases[name];
    const model = new TrainableModel('resnet8', { ...options, layerBases, floatConvs });
    model.load(floatState);
    const teacher = new TrainableModel('resnet8', { input: 'mnist' });
    teacher.load(floatState);
    const result = await fit(model, train, {
      epochs: 1,
      batchSize: 64,
      maxSteps: 10,
      learningRate: 5e-4,
      distill: { teacher, temperature: 4, alpha: 0.5 },
    });
    teacher.dispose();
    expect(result.lastLoss).toBeLessThan(result.firstLoss);
    const tfEval = await evaluate(model, test);
    const graph = load(save(await model.toGraph()));
    for (const name of floatConvs)
      expect(graph.nodes.find((n) => n.name === name)?.op).toBe('Conv2D');
    expect(graph.nodes.filter((n) => n.op === 'PAConv2D')).toHaveLength(6);
    for (const node of graph.nodes.filter((n) => n.op === 'PAConv2D')) {
      expect([node.attrs.weightBases, node.attrs.activationBases]).toEqual([
        layerBases[node.name].weightBases,
        layerBases[node.name].activationBases,
      ]);
    }
    for (const backend of ['js', 'wasm']) {
      const session = await Session.create(graph, { backend });
      const out = await session.run({
        image: tensor(
          'float32',
          [test.count, 28, 28, 1],
          [...batches(test, { batchSize: test.count, shuffle: false })][0].x,
        ),
      });
      const logits = Object.values(out)[0].data as Float32Array;
      let agree = 0;
      for (let i = 0; i < test.count; i++) {
        const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
        if (row.indexOf(Math.max(...row)) === tfEval.predictions[i]) agree++;
      }
      expect(
        session
          .profile()
          .nodes.filter((n) => n.op === 'PAConv2D')
          .every((n) => n.backend === backend),
      ).toBe(true);
      session.dispose();
      expect(agree / test.count).toBeGreaterThanOrEqual(0.995);
    }
    model.dispose();
  }, 300_000);

  it('resumes from a checkpoint after a stop, continuing the same step count', async () => {
    const checkpoint = join(dir, 'run.ckpt.json');
    const make = () => {
      const m = new TrainableModel('resnet8', { input: 'mnist', scheme: 'xnor' });
      m.load(floatState);
      return m;
    };
    const first = make();
    let calls = 0;
    const stopped = await fit(first, train, {
      epochs: 1,
      batchSize: 64,
      checkpoint,
      shouldStop: () => ++calls >= 4,
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.steps).toBe(4);
    first.dispose();
    const second = make();
    const resumed = await fit(second, train, { epochs: 1, batchSize: 64, checkpoint, maxSteps: 3 });
    expect(resumed.resumedFrom).toEqual({ epoch: 0, batch: 4 });
    expect(resumed.stopped).toBe(false);
    await expect(fit(second, train, { epochs: 2, batchSize: 64, checkpoint })).rejects.toThrow(
      /belongs to another run/,
    );
    second.dispose();
  }, 300_000);

  it('stops on a NaN loss with a clear error', async () => {
    const model = new TrainableModel('resnet8', { input: 'mnist' });
    const run = fit(model, train, {
      epochs: 1,
      batchSize: 64,
      learningRate: Number.MAX_VALUE,
      maxSteps: 6,
    });
    await expect(run).rejects.toThrow(TrainError);
    await expect(run).rejects.toThrow(
      /loss became NaN at epoch 1, batch \d+ .*try a lower learning rate/,
    );
    model.dispose();
  }, 300_000);
});
