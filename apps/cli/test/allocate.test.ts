import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pabnn } from './run-cli.js';

const model = (name: string) =>
  fileURLToPath(new URL(`../../../models/fashion-mnist__resnet8__${name}.pabnn`, import.meta.url));

describe('pabnn allocate', () => {
  it('prints per-layer bases within the budget for a trained float model', async () => {
    const r = await pabnn(
      'allocate',
      model('float'),
      '--images',
      '128',
      '--bn-batches',
      '1',
      '--candidates',
      '1x1,2x2',
      '--budget',
      '0.4',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report.layerBases)).toHaveLength(8);
    expect(report.binaryOpsShare).toBeLessThanOrEqual(0.4);
    // every layer at a candidate or the reference, and some layer below the reference
    const picked = Object.values(report.layerBases).map(
      (b) =>
        `${(b as { weightBases: number }).weightBases}x${(b as { activationBases: number }).activationBases}`,
    );
    expect(picked.every((p) => ['1x1', '2x2', '3x3'].includes(p))).toBe(true);
    expect(picked.some((p) => p !== '3x3')).toBe(true);
  }, 120_000);

  it('refuses a binarized model and malformed bases as usage errors', async () => {
    const binarized = await pabnn('allocate', model('pa-4x5'));
    expect(binarized.code).toBe(2);
    expect(binarized.stderr).toMatch(/is not a float zoo model .*allocate starts from one/);
    const bad = await pabnn('allocate', model('float'), '--bases', '3by3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--bases takes MxN with M and N from 1 to 16 \(e\.g\. 2x2\), got 3by3/,
    );
    const budget = await pabnn('allocate', model('float'), '--budget', '0');
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--budget must be a number in \(0, 1\]/);
  }, 60_000);
});
