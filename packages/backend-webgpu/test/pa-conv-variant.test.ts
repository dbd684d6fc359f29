// Which PAConv2D kernel runs a node (src/pa-conv2d-variant.ts): the forced choices must really
// reach the kernels, or the conformance runs per kernel would check one kernel twice.
import { type PACaseSpec, paCase } from '@pabnn/backend/conformance';
import { getOpSchema, resolveAttrs } from '@pabnn/ir';
import { afterAll, expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';
import { choosePAConvKernel, tiledFits } from '../src/pa-conv2d-variant.js';

it('picks the tiled kernel for multi-base layers of groups 1 and N <= 8 only', () => {
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 })).toBe('direct');
  expect(choosePAConvKernel({ m: 2, n: 2, groups: 1 })).toBe('tiled');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1 })).toBe('tiled');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 2 })).toBe('direct');
  expect(choosePAConvKernel({ m: 2, n: 9, groups: 1 }, 'tiled')).toBe('direct');
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 }, 'tiled')).toBe('tiled');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1 }, 'direct')).toBe('direct');
  expect(tiledFits({ m: 16, n: 8, groups: 1 })).toBe(true);
  expect(tiledFits({ m: 17, n: 1, groups: 1 })).toBe(false);
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 }, 'tiled-wide')).toBe('tiled-wide');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1 }, 'tiled-wide')).toBe('direct');
  expect(tiledFits({ m: 4, n: 4, groups: 1 }, 'tiled-wide')).toBe(true);
});

const backends = new Map<string, WebGpuBackend>();
afterAll(() => {
  for (const b of backends.values()) b.dispose();
});

const spec = (m: number, n: number, groups = 1): PACaseSpec => ({
  title: `M${m} N${n} groups ${groups}`,
  cin: 32,
  cout: 8,
  kernel: 3,
  m,
  n,
  attrs: { groups, pads: [1, 1, 1, 1] },
});

for (const [choice, s, expected] of [
  ['auto', spec(1, 1), 'direct'],
  ['auto', spec(4, 5), 'tiled'],
  ['tiled', spec(1, 1), 'tiled'],
  ['direct', spec(4, 5), 'direct'],
  ['tiled', spec(2, 2, 2), 'direct'],
  ['tiled-wide', spec(2, 2), 'tiled-wide'],
] as const) {
  it(`prepares ${s.title} with paConvKernel '${choice}' on the ${expected} kernel`, async () => {
    if (!backends.has(choice))
      backends.set(choice, await WebGpuBackend.create({ paConvKernel: choice }));
    const backend = backends.get(choice)!;
    const c = paCase(s, 1);
    const attrs = resolveAttrs(getOpSchema('PAConv2D')!, c.attrs);
    const infos = c.inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
    const prepared = backend.prepare(
      {
        name: s.title,
        op: 'PAConv2D',
        attrs,
        inputs: infos,
        outputs: getOpSchema('PAConv2D')!.inferShapes(infos, attrs),
      },
      c.inputs.map((t, i) => (c.constant[i] ? t : undefined)),
    ) as unknown as { variant: string };
    expect(prepared.variant).toBe(expected);
  });
}

it('refuses an unknown paConvKernel', async () => {
  await expect(WebGpuBackend.create({ paConvKernel: 'fast' as 'auto' })).rejects.toThrow(
    /paConvKernel must be/,
  );
});
