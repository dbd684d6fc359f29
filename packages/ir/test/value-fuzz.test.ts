// Structure-aware fuzzing of the values a .pabnn carries (not its bytes: fuzz.test.ts does
// those): a valid graph gets one hostile change to a constant's values, an attribute or its
// metadata, is saved and loaded. Each case must end in a typed PabnnError, or in a graph that
// meets the invariants below, checked here independently of the loader: a file that loads and
// then computes NaN or backend-dependent answers is the failure this suite looks for. Seeded:
// a failing case replays from its number.

import { pick, rng } from '@pabnn/config/fuzz';
import { describe, expect, it } from 'vitest';
import { type Graph, load, PabnnError, save, type Tensor } from '../src/index.js';
import { sampleGraph } from './sample-graph.js';

const CASES = 3000;
const KINDS = ['non-finite', 'unsort', 'negative', 'extreme', 'attribute', 'metadata'] as const;
type Kind = (typeof KINDS)[number];
type Random = () => number;

const clone = (g: Graph): Graph => ({
  ...structuredClone({ ...g, constants: undefined }),
  constants: new Map([...g.constants].map(([k, t]) => [k, { ...t, data: t.data.slice() }])),
});

/** The float32 constants nodes read, with the op and input position of one reader. */
function floatInputs(g: Graph): { name: string; op: string; index: number; t: Tensor }[] {
  return g.nodes.flatMap((n) =>
    n.inputs.flatMap((name, index) => {
      const t = g.constants.get(name);
      return t?.dtype === 'float32' ? [{ name, op: n.op, index, t }] : [];
    }),
  );
}

const HOSTILE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const EXTREME = [0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1e-30];
const ATTRS: [string, unknown[]][] = [
  [
    'pads',
    [
      [2000, 2000, 2000, 2000],
      [0, 0, 1e6, 0],
      [-1, 0, 0, 0],
    ],
  ],
  [
    'strides',
    [
      [0, 1],
      [1e9, 1e9],
      [1, -1],
    ],
  ],
  ['epsilon', [-1, 0, 1e30]],
  ['groups', [0, 3, 1e9]],
  ['min', [5, -1e30]],
  ['axis', [7, -9]],
  [
    'dilations',
    [
      [1000, 1000],
      [0, 0],
    ],
  ],
];

function mutate(r: Random, g: Graph, kind: Kind): void {
  const inputs = floatInputs(g).filter((c) => c.t.data.length > 0);
  const target = pick(r, inputs);
  const data = target.t.data as Float32Array;
  const at = Math.floor(r() * data.length);
  switch (kind) {
    case 'non-finite':
      data[at] = pick(r, HOSTILE);
      return;
    case 'unsort': {
      const pa = g.nodes.find((n) => n.op === 'PAConv2D')!;
      const t = g.constants.get(pa.inputs[4])!.data as Float32Array;
      const i = Math.floor(r() * t.length);
      const j = Math.floor(r() * t.length);
      [t[i], t[j]] = [t[j], t[i]];
      return;
    }
    case 'negative': {
      const bn = g.nodes.find((n) => n.op === 'BatchNorm')!;
      const v = g.constants.get(bn.inputs[4])!.data as Float32Array;
      v[Math.floor(r() * v.length)] = -pick(r, [1e-30, 0.5, 1e30]);
      return;
    }
    case 'extreme':
      data[at] = pick(r, EXTREME);
      return;
    case 'attribute': {
      const node = pick(r, g.nodes);
      const [attr, values] = pick(r, ATTRS);
      node.attrs[attr] = pick(r, values) as never;
      return;
    }
    case 'metadata': {
      let deep: unknown = 1;
      const depth = pick(r, [10, 63, 64, 65, 500, 50_000]);
      for (let i = 0; i < depth; i++) deep = r() < 0.5 ? [deep] : { d: deep };
      g.metadata = { deep };
    }
  }
}

/** What a loaded graph must satisfy, written independently of the loader's checks. */
function invariantViolation(g: Graph): string | undefined {
  for (const { name, op, index, t } of floatInputs(g)) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) return `${op} input ${index} ('${name}') holds ${d[i]}`;
    }
    if (op === 'PAConv2D' && index === 4) {
      const row = t.shape[t.shape.length - 1];
      for (let i = 0; i < d.length; i++)
        if (i % row > 0 && d[i - 1] > d[i]) return `thresholds '${name}' descend at ${i}`;
    }
    if (op === 'BatchNorm' && index === 4 && d.some((v) => v < 0)) return `variance '${name}' < 0`;
  }
  let depth = 0;
  for (let v: unknown = g.metadata; typeof v === 'object' && v !== null; depth++) {
    v = Array.isArray(v) ? v[0] : Object.values(v)[0];
  }
  return depth > 64 ? `metadata ${depth} deep` : undefined;
}

describe('value fuzzing', () => {
  it(`${CASES} graphs with hostile values, attributes and metadata: typed error or sound graph`, () => {
    const r = rng(20261206);
    const good = sampleGraph();
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    let slowest = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < CASES; i++) {
      const kind = KINDS[i % KINDS.length];
      const g = clone(good);
      mutate(r, g, kind);
      const started = performance.now();
      try {
        const loaded = load(save(g));
        const violation = invariantViolation(loaded);
        if (violation) throw new Error(`case ${i} (${kind}) loaded a graph whose ${violation}`);
        count(`${kind}: loaded`);
      } catch (error) {
        if (!(error instanceof PabnnError)) {
          throw new Error(`case ${i} (${kind}): untyped ${String(error)}`, { cause: error });
        }
        count(`${kind}: ${error.code}`);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `value fuzz: ${CASES} cases, slowest ${slowest.toFixed(1)} ms, heap +${heapGrowth.toFixed(0)} MiB`,
      Object.fromEntries([...outcomes].sort()),
    );
    expect(slowest).toBeLessThan(1000); // per case
    expect(heapGrowth).toBeLessThan(256);
    // every kind was both refused and (where a benign value came up) accepted
    for (const code of ['non-finite: value', 'unsort: value', 'negative: value', 'metadata: limit'])
      expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
    for (const kind of ['extreme', 'unsort', 'metadata'])
      expect(outcomes.get(`${kind}: loaded`) ?? 0, `${kind} loaded`).toBeGreaterThan(0);
  });
});
