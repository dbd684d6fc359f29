import { validateGraph } from '@pabnn/ir';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainableModel, TrainError, useDevice } from '../src/index.js';

beforeAll(async () => {
  await useDevice('wasm');
});

describe('TrainableModel on every zoo family (28x28 input)', () => {
  for (const [name, scheme] of [
    ['resnet8', 'abc'],
    ['densenet121', 'pa'],
    ['mobilenet_v1', 'xnor'],
  ] as const) {
    it(`${scheme} ${name}: finite gradients for every variable, and an export that validates`, async () => {
      const model = new TrainableModel(name, {
        input: 'mnist',
        scheme,
        ...(scheme === 'xnor' ? {} : { weightBases: 2, activationBases: 2 }),
      });
      const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
      await model.prepare(x);
      const vars = model.trainableVariables();
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(model.forward(x, true))) as tf.Scalar,
        vars,
      );
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const v of vars) {
        const g = grads[v.name].dataSync();
        expect(g.every(Number.isFinite)).toBe(true);
      }
      const graph = await model.toGraph();
      expect(() => validateGraph(graph)).not.toThrow();
      expect(graph.nodes.some((n) => n.op === 'PAConv2D')).toBe(true);
      model.dispose();
    }, 120_000);
  }

  it("'relu' calibration fits ReLU-shaped staircases (no level below zero)", async () => {
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const levels = async (calibration: 'identity' | 'relu') => {
      const m = new TrainableModel('resnet8', {
        input: 'mnist',
        scheme: 'pa',
        weightBases: 2,
        activationBases: 3,
        calibration,
      });
      await m.prepare(x);
      const state = await m.state();
      m.dispose();
      return Array.from(state['layer1.0.conv1/act_levels']);
    };
    expect(Math.min(...(await levels('identity')))).toBeLessThan(0);
    expect(Math.min(...(await levels('relu')))).toBeGreaterThanOrEqual(0);
  });

  it('names the problem: missing calibration, bad loaded tensors', async () => {
    const model = new TrainableModel('resnet8', {
      input: 'mnist',
      scheme: 'pa',
      weightBases: 2,
      activationBases: 2,
    });
    const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    await expect(model.prepare()).rejects.toThrow(/need a calibration batch/);
    expect(() => model.forward(x, false)).toThrow(TrainError);
    expect(() => model.load({ 'conv1/weight': new Float32Array(3) })).toThrow(
      /'conv1\/weight' has 3 values, the model needs 144/,
    );
    expect(() => model.load({ 'conv1/weight': new Float32Array(144).fill(Number.NaN) })).toThrow(
      /NaN or Infinity/,
    );
    model.dispose();
  });
});
