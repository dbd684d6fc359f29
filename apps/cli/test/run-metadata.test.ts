import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@pabnn/backend-wasm';
import { load, save } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { evaluateSession, loadDataset } from '@pabnn/train';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pabnn } from './run-cli.js';

const model = fileURLToPath(
  new URL('../../../models/fashion-mnist__resnet8__pa-4x5.pabnn', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'pabnn-run-'));
const COUNT = 24;
const test = loadDataset('fashion-mnist', 'test', { limit: COUNT });
const images = Array.from({ length: COUNT }, (_, i) => join(dir, `test-${i}.png`));

interface RunResult {
  image: string;
  ms: number;
  backend: string;
  top: { classIndex: number; label: string; probability: number }[];
}

beforeAll(() => {
  // each test image as an 8-bit grey PNG file, as a user would have it
  images.forEach((path, i) => {
    const png = new PNG({ width: 28, height: 28 });
    for (let p = 0; p < 784; p++) {
      const v = test.images[i * 784 + p];
      png.data.set([v, v, v, 255], p * 4);
    }
    writeFileSync(path, PNG.sync.write(png));
  });
});

describe('pabnn run with the model metadata', () => {
  it('classifies Fashion-MNIST test images as the runtime on the test set does, with label names', async () => {
    const r = await pabnn('run', model, ...images, '--backend', 'wasm', '--top', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as RunResult[];
    expect(results.map((x) => x.image)).toEqual(images);

    // the reference: the dataset normalised as in training, run by the runtime (what eval does)
    const graph = load(new Uint8Array((await import('node:fs')).readFileSync(model)));
    const session = await Session.create(graph, { backend: 'wasm' });
    const ref = await evaluateSession(session, test, { inputName: graph.inputs[0].name });
    session.dispose();

    let correct = 0;
    results.forEach((x, i) => {
      expect(x.top).toHaveLength(3);
      expect(x.top[0].classIndex, x.image).toBe(ref.predictions[i]);
      expect(x.top[0].label).toBe(test.classNames[ref.predictions[i]]);
      for (const p of x.top) expect(p.label).toBe(test.classNames[p.classIndex]);
      // probabilities, best first
      expect(x.top[0].probability).toBeGreaterThanOrEqual(x.top[1].probability);
      expect(x.top.reduce((a, p) => a + p.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(x.backend).toBe('wasm');
      expect(x.ms).toBeGreaterThan(0);
      if (x.top[0].classIndex === test.labels[i]) correct++;
    });
    // the model's 88 % top-1: most of these are right (raw 0..255 pixels got most wrong)
    expect(correct).toBeGreaterThanOrEqual(Math.floor(0.75 * COUNT));
    expect(ref.top1 * COUNT).toBe(correct);

    // and `pabnn eval` (dataset from the model's metadata) on the same images agrees
    const e = await pabnn('eval', model, '--backend', 'wasm', '--limit', String(COUNT), '--json');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ dataset: 'fashion-mnist', images: COUNT });
    expect(JSON.parse(e.stdout).top1 * COUNT).toBeCloseTo(correct, 6);
  }, 120_000);

  it('prints a labelled table: names, class indices and softmax probabilities in %', async () => {
    const [one] = images;
    const json = JSON.parse(
      (await pabnn('run', model, one, '--backend', 'js', '--top', '10', '--json')).stdout,
    ) as RunResult[];
    const sum = json[0].top.reduce((a, p) => a + p.probability, 0);
    expect(sum).toBeCloseTo(1, 6);
    const r = await pabnn('run', model, one, '--backend', 'js', '--top', '2');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/test-0\.png {2}\([\d.]+ ms on js, after a warm-up run\)/);
    expect(lines[1]).toMatch(/label +class +probability/);
    const [best] = json[0].top;
    expect(lines[2]).toMatch(
      new RegExp(`^ +${best.label} +${best.classIndex} +${(100 * best.probability).toFixed(2)} %$`),
    );
    expect(lines).toHaveLength(4);
  }, 60_000);

  it('malformed metadata in the model file is bad data: exit 1, one line', async () => {
    const { readFileSync } = await import('node:fs');
    for (const [metadata, message] of [
      [
        { preprocess: { scale: 1 / 255, mean: [0.286], std: [0] } },
        /metadata.preprocess.std must be > 0/,
      ],
      [
        { preprocess: { mean: ['x'] } },
        /metadata.preprocess.mean must be 1 finite number \(a list\), got \["x"\]/,
      ],
      [{ labels: 'T-shirt' }, /metadata.labels must be an array of strings/],
    ] as const) {
      const graph = load(new Uint8Array(readFileSync(model)));
      Object.assign(graph.metadata, metadata);
      const path = join(dir, 'bad-metadata.pabnn');
      writeFileSync(path, save(graph));
      const r = await pabnn('run', path, images[0], '--backend', 'js');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
