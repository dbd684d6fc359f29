import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportOnnx } from '@pabnn/convert';
import { load } from '@pabnn/ir';
import { createModel } from '@pabnn/zoo';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pabnn, pabnnWith } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pabnn-cli-'));
const onnxPath = join(dir, 'resnet8.onnx');
const outPath = join(dir, 'resnet8-pa.pabnn');
const imagePath = join(dir, 'digit.png');

beforeAll(() => {
  writeFileSync(onnxPath, exportOnnx(createModel('resnet8', { input: 'mnist' })));
  const png = new PNG({ width: 20, height: 20 });
  for (let i = 0; i < 400; i++) png.data.set([i % 255, (i * 3) % 255, 40, 255], i * 4);
  writeFileSync(imagePath, PNG.sync.write(png));
});

describe('pabnn', () => {
  it('quantizes an ONNX model into a .pabnn with progress, then describes it', async () => {
    const q = await pabnn(
      'quantize',
      onnxPath,
      '-o',
      outPath,
      '--weight-bases',
      '2',
      '--activation-bases',
      '3',
    );
    expect(q.code).toBe(0);
    expect(q.stdout).toMatch(/wrote .*resnet8-pa.pabnn: 8 convs binarized, 9 BatchNorms folded/);
    expect(q.stderr).toMatch(/quantizing \(pa\) \[#+\] 8\/8/);
    const graph = load(
      new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(outPath))),
    );
    expect(graph.nodes.filter((n) => n.op === 'PAConv2D')).toHaveLength(8);
    const info = await pabnn('info', outPath, '--json');
    expect(info.code).toBe(0);
    const report = JSON.parse(info.stdout);
    expect(report.ops.PAConv2D).toBe(8);
    expect(report.quantization).toMatchObject({ scheme: 'pa', weightBases: 2, activationBases: 3 });
    expect((await pabnn('info', outPath)).stdout).toMatch(/params +0\.\d+M \(0\.\d+M binary\)/);
  });

  it('quantize --json prints what it wrote as one JSON object', async () => {
    const xnorPath = join(dir, 'resnet8-xnor.pabnn');
    const q = await pabnn('quantize', onnxPath, '-o', xnorPath, '--scheme', 'xnor', '--json');
    expect(q.code).toBe(0);
    const summary = JSON.parse(q.stdout);
    const { statSync } = await import('node:fs');
    expect(summary).toEqual({
      output: xnorPath,
      scheme: 'xnor',
      weightBases: 4,
      activationBases: 5,
      binarizedConvs: 8,
      foldedBatchNorms: 9,
      bytes: statSync(xnorPath).size,
    });
  });

  it('classifies an image on wasm and on js, and benchmarks both', async () => {
    for (const backend of ['wasm', 'js']) {
      const r = await pabnn(
        'run',
        outPath,
        imagePath,
        '--backend',
        backend,
        '--top',
        '3',
        '--preprocess',
        'unit',
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`ms on ${backend}, after a warm-up run\\)`));
      // the image line, the table's header and 3 classes
      expect(r.stdout.trim().split('\n')).toHaveLength(5);
    }
    const b = await pabnn('bench', outPath, '--runs', '3');
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(
      /wasm +min [\d.]+ ms {2}median [\d.]+ ms {2}p90 [\d.]+ ms {2}spread [\d.]+ ms {2}over 3 runs after 1 warm-up, threads auto/,
    );
    expect(b.stdout).toMatch(/js +min [\d.]+ ms {2}median [\d.]+ ms/);
  });

  it('classifies on webgpu (Dawn on SwiftShader) with the same top classes as on wasm', async () => {
    const model = fileURLToPath(
      new URL('../../../models/fashion-mnist__resnet8__pa-4x5.pabnn', import.meta.url),
    );
    // the Vulkan driver the setup script installs (chromium-common); a GPU's own driver elsewhere
    const env = { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };
    const top = async (backend: string) => {
      const args = ['run', model, imagePath, '--backend', backend, '--top', '3', '--json'];
      const r = await pabnnWith(env, ...args);
      expect(r.code, r.stderr).toBe(0);
      const [result] = JSON.parse(r.stdout);
      expect(result.backend).toBe(backend);
      return (result.top as { classIndex: number; probability: number }[]).map((p) => [
        p.classIndex,
        p.probability,
      ]);
    };
    const gpu = await top('webgpu');
    const wasm = await top('wasm');
    expect(gpu.map(([k]) => k)).toEqual(wasm.map(([k]) => k));
    gpu.forEach(([, score], i) => {
      expect(Math.abs(Number(score) - Number(wasm[i][1]))).toBeLessThanOrEqual(2e-4);
    });
  });

  it('evaluates the shipped trained MNIST model on the test set', async () => {
    const model = fileURLToPath(
      new URL('../../../models/mnist__resnet8__float.pabnn', import.meta.url),
    );
    const r = await pabnn('eval', model, '--dataset', 'mnist', '--limit', '500', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.images).toBe(500);
    expect(report.top1).toBeGreaterThan(0.95);
    expect(report.msPerImage).toBeGreaterThan(0);
    const wrong = await pabnn('eval', model, '--dataset', 'cifar');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--dataset must be one of mnist, fashion-mnist/);
  }, 120_000);

  it('exits 2 with the usage on bad usage, 1 with one line on a bad model', async () => {
    expect((await pabnn()).code).toBe(2);
    const unknown = await pabnn('train');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'train'/);
    const noOut = await pabnn('quantize', onnxPath);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/needs -o <out.pabnn>[\s\S]*usage: pabnn quantize/);
    const badBases = await pabnn('quantize', onnxPath, '-o', outPath, '--weight-bases', '99');
    expect(badBases.stderr).toMatch(/--weight-bases must be an integer from 1 to 16, got 99/);
    const corrupt = join(dir, 'corrupt.pabnn');
    writeFileSync(corrupt, 'not a model');
    const bad = await pabnn('info', corrupt);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'pabnn info: file is truncated: 11 bytes, a .pabnn file has at least 36',
    );
    expect((await pabnn('run', outPath, join(dir, 'missing.png'))).stderr).toMatch(
      /no such file|ENOENT/,
    );
  });
});
