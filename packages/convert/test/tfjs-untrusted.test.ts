import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvertError, importTfjsLayers, readTfjsModel } from '../src/node.js';

/**
 * A folder `model/` with model.json (one float32 weight 'w' of `count` values whose shard is
 * `path`) and `model/w.bin` holding `count` floats, next to a `secret/key.txt`.
 */
function modelWithShard(path: string, count = 4): { json: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'pabnn-tfjs-untrusted-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  mkdirSync(join(root, 'secret'));
  writeFileSync(join(root, 'secret', 'key.txt'), 'sixteen bytes!!!');
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(16));
  const manifest = [{ paths: [path], weights: [{ name: 'w', shape: [count], dtype: 'float32' }] }];
  const json = join(dir, 'model.json');
  writeFileSync(json, JSON.stringify({ weightsManifest: manifest }));
  return { json, dir };
}

function expectConvertError(run: () => unknown, code: string, message: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConvertError);
    expect((error as ConvertError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return (error as Error).message;
  }
  throw new Error('the model was read');
}

describe('TF.js manifest paths are untrusted', () => {
  it('reads a shard inside the folder', () => {
    expect(readTfjsModel(modelWithShard('w.bin').json).weights.get('w')?.shape).toEqual([4]);
    expect(readTfjsModel(modelWithShard('./x/../w.bin').json).weights.has('w')).toBe(true);
  });

  it('refuses paths that leave the folder, without opening the file', () => {
    const message = expectConvertError(
      () => readTfjsModel(modelWithShard('../secret/key.txt').json),
      'tfjs-path',
      /weight shard '..\/secret\/key.txt' resolves outside the model's folder/,
    );
    expect(message).not.toMatch(/16/); // the secret's size does not leak
    expectConvertError(
      () => readTfjsModel(modelWithShard('../../../../etc/passwd').json),
      'tfjs-path',
      /outside the model's folder/,
    );
    expectConvertError(
      () => readTfjsModel(modelWithShard('/dev/zero').json),
      'tfjs-path',
      /'\/dev\/zero' resolves outside/,
    );
  });

  it('refuses links out of the folder, directories and devices', () => {
    const linked = modelWithShard('zero.bin');
    symlinkSync('/dev/zero', join(linked.dir, 'zero.bin'));
    expectConvertError(() => readTfjsModel(linked.json), 'tfjs-path', /'zero.bin' links outside/);
    const folder = modelWithShard('sub');
    mkdirSync(join(folder.dir, 'sub'));
    expectConvertError(
      () => readTfjsModel(folder.json),
      'tfjs-shard',
      /'sub' is not a regular file/,
    );
  });

  it('names a missing shard, and shards whose size is not the manifest’s', () => {
    expectConvertError(
      () => readTfjsModel(modelWithShard('gone.bin').json),
      'tfjs-shard',
      /weight shard 'gone.bin' \(listed in the manifest\) is missing/,
    );
    expectConvertError(
      () => readTfjsModel(modelWithShard('w.bin', 3).json),
      'tfjs-shard',
      /shards w.bin hold 16 bytes, the manifest describes 12/,
    );
  });
});

describe('Keras 3 input layers', () => {
  const model = (inputConfig: object) => ({
    modelJson: {
      modelTopology: {
        model_config: {
          class_name: 'Functional',
          config: {
            name: 'k3',
            layers: [
              { name: 'x', class_name: 'InputLayer', config: inputConfig, inbound_nodes: [] },
              {
                name: 'fc',
                class_name: 'Dense',
                config: { units: 2, use_bias: false, activation: 'linear' },
                inbound_nodes: [
                  {
                    args: [
                      { class_name: '__keras_tensor__', config: { keras_history: ['x', 0, 0] } },
                    ],
                    kwargs: {},
                  },
                ],
              },
            ],
            output_layers: [['fc', 0, 0]],
          },
        },
      },
    },
    weights: new Map([['fc/kernel', { shape: [4, 2], data: new Float32Array(8) }]]),
  });

  it('takes batch_shape and keras_history inbound nodes', () => {
    const graph = importTfjsLayers(model({ batch_shape: [null, 4], dtype: 'float32' }));
    expect(graph.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [-1, 4] }]);
  });

  it('names an input layer without a shape', () => {
    expectConvertError(
      () => importTfjsLayers(model({ dtype: 'float32' })),
      'tfjs-layer',
      /input layer 'x' needs batch_input_shape or batch_shape/,
    );
  });
});
