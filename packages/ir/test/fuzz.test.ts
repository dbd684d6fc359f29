// Fuzzing the loader: random mutations and truncations of valid files must end in either a
// valid graph or a typed PabnnError, never another exception, a hang or a crash. Seeded, so a
// failure can be replayed: the message carries the case number and mutation kind.

import { mutateJson, pick, rng } from '@pabnn/config/fuzz';
import { describe, expect, it } from 'vitest';
import { load, PabnnError, save, validateGraph } from '../src/index.js';
import { fixChecksum, headerOf, view, withHeader } from './file-helpers.js';
import { sampleGraph } from './sample-graph.js';

const CASES = 12_000;

type Random = () => number;

const KINDS = ['flip', 'flip+checksum', 'truncate', 'splice', 'json', 'preamble'] as const;
type Kind = (typeof KINDS)[number];

function mutate(r: Random, good: Uint8Array, header: unknown, kind: Kind): Uint8Array {
  const bytes = good.slice();
  switch (kind) {
    case 'flip':
    case 'flip+checksum': {
      const flips = 1 + Math.floor(r() * 8);
      for (let i = 0; i < flips; i++)
        bytes[Math.floor(r() * bytes.length)] ^= 1 << Math.floor(r() * 8);
      return kind === 'flip' ? bytes : fixChecksum(bytes);
    }
    case 'truncate':
      return bytes.subarray(0, Math.floor(r() * bytes.length));
    case 'splice': {
      const at = Math.floor(r() * bytes.length);
      const cut = Math.floor(r() * 64);
      const insert = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
      const out = new Uint8Array([
        ...bytes.subarray(0, at),
        ...insert,
        ...bytes.subarray(at + cut),
      ]);
      if (out.length >= 32) view(out).setBigUint64(24, BigInt(out.length), true);
      return r() < 0.5 ? fixChecksum(out) : out;
    }
    case 'json':
      return withHeader(bytes, mutateJson(r, header));
    case 'preamble': {
      const field = pick(r, [8, 12, 16, 20, 24, 28]);
      view(bytes).setUint32(
        field,
        pick(r, [0, 1, 2, 31, 0xffffffff, Math.floor(r() * 2 ** 32)]),
        true,
      );
      return fixChecksum(bytes);
    }
  }
}

describe('loader fuzzing', () => {
  it(`survives ${CASES} mutated and truncated files`, () => {
    const r = rng(20261128);
    const good = save(sampleGraph());
    const header = headerOf(good);
    const codes = new Map<string, number>();
    let valid = 0;
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const kind = KINDS[i % KINDS.length];
      const bytes = mutate(r, good, header, kind);
      const started = performance.now();
      try {
        const graph = load(bytes);
        validateGraph(graph);
        save(graph);
        valid++;
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i} (${kind}): untyped ${String(error)}`, { cause: error });
        }
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    // the mutations must reach deep checks, not only the checksum
    for (const code of [
      'checksum',
      'truncated',
      'magic',
      'header-schema',
      'header-json',
      'tensor-bounds',
      'shape',
    ]) {
      expect(codes.get(code) ?? 0, `error code ${code}`).toBeGreaterThan(0);
    }
    expect(valid).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(1000);
    console.log(
      `fuzz: ${CASES} cases, ${valid} valid, slowest ${slowest.toFixed(1)} ms`,
      Object.fromEntries(codes),
    );
  });
});
