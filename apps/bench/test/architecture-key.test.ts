import { createModel } from '@pabnn/zoo';
import { expect, it } from 'vitest';
import { architectureKey, lowestPerArchitecture } from '../src/architecture-key.js';

// The Pareto report gives models of one architecture the group's lowest time, so the key must
// ignore the constants' values and see everything else that changes the kernels run.
const pa = (m: number, n: number, seed = 1) =>
  createModel('pa_resnet8', { weightBases: m, activationBases: n, seed });

it('is the same for two models that differ only in their weights', () => {
  const a = pa(2, 2, 1);
  const b = pa(2, 2, 2);
  const weights = (g: typeof a) => [...g.constants.values()][0].data[0];
  expect(weights(a), 'the seeds give different weights').not.toBe(weights(b));
  expect(architectureKey(a)).toBe(architectureKey(b));
});

it('differs when the bases, a float conv or the scheme differ', () => {
  const key = architectureKey(pa(2, 2));
  expect(architectureKey(pa(3, 3))).not.toBe(key);
  expect(architectureKey(pa(2, 3))).not.toBe(key);
  expect(architectureKey(createModel('pa_resnet8', { scheme: 'xnor' }))).not.toBe(key);
  expect(
    architectureKey(
      createModel('pa_resnet8', {
        weightBases: 2,
        activationBases: 2,
        floatConvs: ['layer1.0.conv1'],
      }),
    ),
  ).not.toBe(key);
});

it('gives every entry the lowest time of its key', () => {
  expect(
    lowestPerArchitecture([
      { key: 'a', ms: 3 },
      { key: 'b', ms: 2 },
      { key: 'a', ms: 1 },
    ]),
  ).toEqual([1, 2, 1]);
});
