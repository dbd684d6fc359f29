// Which PAConv2D kernel runs a node (src/pa-conv2d-variant.ts): the forced choices must really
// reach the kernels, or the conformance runs per kernel would check one kernel twice.
import { type PACaseSpec, paCase } from '@pabnn/backend/conformance';
import { getOpSchema, resolveAttrs } from '@pabnn/ir';
import { afterAll, expect, it } from 'vitest';
import { WebGpuBackend } from '../src/index.js';
import {
  choosePAConvKernel,
  DEQUANTIZED_FROM,
  haloKernelFits,
  tiledFits,
} from '../src/pa-conv2d-variant.js';

it('picks the tiled kernel for multi-base layers of groups 1 and N <= 8 only', () => {
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 })).toBe('direct');
  expect(choosePAConvKernel({ m: 2, n: 2, groups: 1 })).toBe('tiled');
  expect(choosePAConvKernel({ m: 3, n: 3, groups: 1 })).toBe('tiled');
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

it('picks the dequantized kernel from DEQUANTIZED_FROM plane pairs on, for groups 1 only', () => {
  expect(DEQUANTIZED_FROM).toBeGreaterThan(4);
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1, window: window3x3(64) })).toBe('dequantized');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1 })).toBe('dequantized');
  expect(choosePAConvKernel({ m: 2, n: 2, groups: 1 })).not.toBe('dequantized');
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 2 })).toBe('direct');
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 }, 'dequantized')).toBe('dequantized');
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 3 }, 'dequantized')).toBe('direct');
  // a forced binary kernel still runs the binary form
  expect(choosePAConvKernel({ m: 4, n: 5, groups: 1 }, 'tiled')).toBe('tiled');
});

const window3x3 = (cin: number, stride = 1) => ({
  kh: 3,
  kw: 3,
  sh: stride,
  sw: stride,
  dh: 1,
  dw: 1,
  cin,
});

it('picks the fused halo kernel wherever its halo fits 16 KiB, the plain one only when forced', () => {
  const layer1 = { m: 1, n: 1, groups: 1, window: window3x3(64) };
  expect(choosePAConvKernel(layer1)).toBe('halo-fused');
  expect(choosePAConvKernel({ m: 3, n: 3, groups: 1, window: window3x3(64) })).toBe('halo-fused');
  // ResNet-18's last 3x3 layer: the fused halo does not fit at (2,2), the tiled kernel runs
  expect(choosePAConvKernel({ m: 2, n: 2, groups: 1, window: window3x3(512) })).toBe('tiled');
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1, window: window3x3(512) })).toBe('halo-fused');
  expect(choosePAConvKernel(layer1, 'halo')).toBe('halo');
  expect(choosePAConvKernel(layer1, 'halo-fused')).toBe('halo-fused');
  // fused: a partial Q_a sum per word and halo pixel too
  expect(haloKernelFits({ m: 2, n: 2, groups: 1, window: window3x3(512) })).toBe(true);
  expect(haloKernelFits({ m: 2, n: 2, groups: 1, window: window3x3(512) }, 'halo-fused')).toBe(
    false,
  );
  // ResNet-18's last 3x3 layer at (4,5): 10 x 10 halo pixels x 5 planes x 16 words > 16 KiB
  expect(haloKernelFits({ m: 4, n: 5, groups: 1, window: window3x3(512) })).toBe(false);
  expect(haloKernelFits({ m: 1, n: 1, groups: 1, window: window3x3(512) })).toBe(true);
  expect(haloKernelFits({ m: 1, n: 1, groups: 1, window: window3x3(256, 2) })).toBe(true);
  expect(haloKernelFits({ m: 1, n: 1, groups: 2, window: window3x3(64) })).toBe(false);
  // without its window a node cannot be compiled for the halo kernel
  expect(choosePAConvKernel({ m: 1, n: 1, groups: 1 }, 'halo')).toBe('direct');
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
  ['auto', spec(1, 1), 'halo-fused'],
  ['auto', spec(3, 3), 'halo-fused'],
  ['auto', spec(4, 5), 'dequantized'],
  ['dequantized', spec(1, 1), 'dequantized'],
  ['dequantized', spec(2, 2, 2), 'direct'],
  ['auto', spec(2, 2, 2), 'direct'],
  ['tiled', spec(1, 1), 'tiled'],
  ['direct', spec(4, 5), 'direct'],
  ['tiled', spec(2, 2, 2), 'direct'],
  ['tiled-wide', spec(2, 2), 'tiled-wide'],
  ['halo', spec(1, 1), 'halo'],
  ['halo', spec(2, 2, 2), 'direct'],
  ['halo-fused', spec(4, 5), 'halo-fused'],
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

it('refuses an unknown floatConvKernel', async () => {
  await expect(WebGpuBackend.create({ floatConvKernel: 'fast' as 'auto' })).rejects.toThrow(
    /floatConvKernel must be/,
  );
});

it('refuses an unknown paConvKernel', async () => {
  await expect(WebGpuBackend.create({ paConvKernel: 'fast' as 'auto' })).rejects.toThrow(
    /paConvKernel must be/,
  );
});
