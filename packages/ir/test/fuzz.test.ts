// Fuzzing the loader: random mutations and truncations of valid files must end in either a
// valid graph or a typed PabnnError, never another exception, a hang or a crash. Seeded, so a
// failure can be replayed: the message carries the case number and mutation kind.
import { describe, expect, it } from 'vitest';
import { load, PabnnError, save, validateGraph } from '../src/index.js';
import { fixChecksum, headerOf, view, withHeader } from './file-helpers.js';
import { rng, sampleGraph } from './sample-graph.js';

const CASES = 12_000;

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];

const JUNK: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  -(2 ** 60),
  1e308,
  '',
  'float32',
  'bits',
  'Conv2D',
  [],
  [1],
  [-1],
  [2 ** 40, 2 ** 40],
  [0, 0, 0, 0],
  {},
  { a: 1 },
  'same',
  '__proto__',
];

/** Walks to a random place in a JSON value and replaces, deletes or duplicates something. */
function mutateJson(r: Random, value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || r() < 0.15)
      return r() < 0.5 ? pick(r, JUNK) : [...value, pick(r, JUNK)];
    const i = Math.floor(r() * value.length);
    const copy = [...value];
    const roll = r();
    if (roll < 0.1) copy.splice(i, 1);
    else if (roll < 0.2) copy.push(copy[i]);
    else copy[i] = mutateJson(r, copy[i]);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0 || r() < 0.15)
      return r() < 0.5
        ? pick(r, JUNK)
        : { ...value, [pick(r, ['x', 'pads', 'op'])]: pick(r, JUNK) };
    const key = pick(r, keys);
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (r() < 0.1) delete copy[key];
    else copy[key] = mutateJson(r, copy[key]);
    return copy;
  }
  if (typeof value === 'number' && r() < 0.6) {
    return pick(r, [value + 1, value - 1, value * 2, -value, value + 64, 0]);
  }
  return pick(r, JUNK);
}

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
