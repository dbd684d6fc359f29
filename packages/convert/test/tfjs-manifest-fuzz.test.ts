// Structure-aware fuzzing of TF.js weight manifests: a valid model folder's manifest gets
// hostile shard paths (escapes, absolute paths, devices, links, directories, missing files),
// shapes, dtypes and shard sizes. Each case must give weights or a typed PabnnError, and no
// weight may ever hold the bytes of the secret file next to the model folder. Seeded: a failing
// case replays from its number.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pick, rng } from '@pabnn/config/fuzz';
import { PabnnError } from '@pabnn/ir';
import { describe, expect, it } from 'vitest';
import { readTfjsModel } from '../src/node.js';

const CASES = 600;
const SECRET = 0x5ec2e7; // every float of the secret file holds this bit pattern

const root = mkdtempSync(join(tmpdir(), 'pabnn-manifest-fuzz-'));
const dir = join(root, 'model');
mkdirSync(join(dir, 'sub'), { recursive: true });
mkdirSync(join(root, 'secret'));
writeFileSync(
  join(root, 'secret', 'key.bin'),
  new Uint8Array(new Uint32Array(64).fill(SECRET).buffer),
);
writeFileSync(join(dir, 'a.bin'), new Uint8Array(new Float32Array(16).fill(1).buffer));
writeFileSync(join(dir, 'b.bin'), new Uint8Array(new Float32Array(8).fill(2).buffer));
writeFileSync(join(dir, 'sub', 'c.bin'), new Uint8Array(new Float32Array(4).fill(3).buffer));
symlinkSync('/dev/zero', join(dir, 'zero.bin'));
symlinkSync(join(root, 'secret', 'key.bin'), join(dir, 'key-link.bin'));
symlinkSync('a.bin', join(dir, 'a-link.bin'));

const PATHS = [
  'a.bin',
  'b.bin',
  'sub/c.bin',
  './a.bin',
  'sub/../b.bin',
  'a-link.bin',
  '../secret/key.bin',
  '../../../../etc/passwd',
  join(root, 'secret', 'key.bin'),
  '/dev/zero',
  'zero.bin',
  'key-link.bin',
  'sub',
  '.',
  '',
  'missing.bin',
  'sub/../../secret/key.bin',
];
const SHAPES = [[4], [16], [8], [0], [1e6], [2 ** 31], [-1], [1.5], 'x', null];
const DTYPES = ['int32', 'uint8', undefined];
const weight = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' });
/** Manifests that match the folder; the cases change up to two things in one. */
const VALID: { paths: string[]; weights: { name: string; shape: unknown; dtype: unknown }[] }[][] =
  [
    [{ paths: ['a.bin'], weights: [weight('a', [16])] }],
    [{ paths: ['b.bin', 'sub/c.bin'], weights: [weight('b', [8]), weight('c', [2, 2])] }],
    [
      { paths: ['a-link.bin'], weights: [weight('a', [4]), weight('a2', [12])] },
      { paths: ['./b.bin'], weights: [weight('b', [2, 4])] },
    ],
  ];

describe('TF.js manifest fuzzing', () => {
  it(`${CASES} hostile manifests: weights or a typed error, never the secret's bytes`, () => {
    const r = rng(20261209);
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let i = 0; i < CASES; i++) {
      const groups = structuredClone(pick(r, VALID));
      for (let m = 0, n = Math.floor(r() * 3); m < n; m++) {
        const group = pick(r, groups);
        const roll = r();
        if (roll < 0.4) group.paths[Math.floor(r() * group.paths.length)] = pick(r, PATHS);
        else if (roll < 0.55) group.paths.push(pick(r, PATHS));
        else if (roll < 0.8) pick(r, group.weights).shape = pick(r, SHAPES) as number[];
        else pick(r, group.weights).dtype = pick(r, DTYPES) as string;
      }
      const json = join(dir, `model-${i % 4}.json`);
      writeFileSync(json, JSON.stringify({ weightsManifest: groups }));
      try {
        const { weights } = readTfjsModel(json);
        for (const w of weights.values()) {
          const words = new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length);
          expect(words.includes(SECRET), `case ${i} read the secret`).toBe(false);
        }
        count('read');
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i} (${JSON.stringify(groups)}): untyped ${String(error)}`, {
            cause: error,
          });
        }
        count(error.code);
      }
    }
    console.log(`manifest fuzz: ${CASES} cases`, Object.fromEntries([...outcomes].sort()));
    for (const code of ['read', 'tfjs-path', 'tfjs-shard', 'tfjs-weight'])
      expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
  });
});
