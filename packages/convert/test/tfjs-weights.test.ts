import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTfjsModel } from '../src/tfjs/read-model.js';
import { hwioToOhwi } from '../src/tfjs/weights.js';

/** Writes a TF.js layers model.json whose weights span two shards, as the converter does. */
function writeModel(
  entries: { name: string; shape: number[]; values: number[] }[],
  extra: object = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'pabnn-tfjs-'));
  const all = new Float32Array(entries.flatMap((e) => e.values));
  const bytes = new Uint8Array(all.buffer);
  const cut = Math.floor(bytes.length / 2);
  writeFileSync(join(dir, 'shard1of2.bin'), bytes.subarray(0, cut));
  writeFileSync(join(dir, 'shard2of2.bin'), bytes.subarray(cut));
  const manifest = [
    {
      paths: ['shard1of2.bin', 'shard2of2.bin'],
      weights: entries.map((e) => ({ name: e.name, shape: e.shape, dtype: 'float32', ...extra })),
    },
  ];
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ format: 'layers-model', weightsManifest: manifest }),
  );
  return join(dir, 'model.json');
}

describe('TF.js weight manifest reader', () => {
  it('cuts concatenated shards in manifest order', () => {
    const path = writeModel([
      { name: 'a/kernel', shape: [1, 1, 2, 3], values: [1, 2, 3, 4, 5, 6] },
      { name: 'a/bias', shape: [3], values: [7, 8, 9] },
    ]);
    const w = readTfjsModel(path).weights;
    expect(Array.from(w.get('a/kernel')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(w.get('a/bias')!.data)).toEqual([7, 8, 9]);
  });

  it('converts Keras HWIO kernels to OHWI', () => {
    // HWIO [1, 1, 2, 3]: element (i, o) = 10 i + o
    const hwio = { shape: [1, 1, 2, 3], data: Float32Array.of(0, 1, 2, 10, 11, 12) };
    const ohwi = hwioToOhwi(hwio);
    expect(ohwi.shape).toEqual([3, 1, 1, 2]);
    expect(Array.from(ohwi.data)).toEqual([0, 10, 1, 11, 2, 12]);
  });

  it('names what is wrong', () => {
    const short = writeModel([{ name: 'w', shape: [2], values: [1, 2] }]);
    writeFileSync(
      short.replace('model.json', 'model.json'),
      JSON.stringify({
        weightsManifest: [
          {
            paths: ['shard1of2.bin', 'shard2of2.bin'],
            weights: [{ name: 'w', shape: [5], dtype: 'float32' }],
          },
        ],
      }),
    );
    expect(() => readTfjsModel(short)).toThrow(
      /shards shard1of2.bin, shard2of2.bin hold 8 bytes, the manifest describes 20/,
    );
    const quantized = writeModel([{ name: 'q', shape: [2], values: [1, 2] }], {
      quantization: { dtype: 'uint8' },
    });
    expect(() => readTfjsModel(quantized)).toThrow(/weight 'q' is float32 \(quantized\)/);
    const notModel = join(mkdtempSync(join(tmpdir(), 'pabnn-tfjs-')), 'model.json');
    writeFileSync(notModel, '{}');
    expect(() => readTfjsModel(notModel)).toThrow(/no weightsManifest array/);
  });
});
