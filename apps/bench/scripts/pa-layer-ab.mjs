// Two builds of @pabnn/backend-wasm timed against each other in one process, interleaved, on
// ResNet-18's four 3x3 layer shapes (apps/bench src/pa-layer.ts: stride 1, pad 1, batch 1): the
// PAConv2D kernel alone, each layer's lowest median per build and their ratio, with the layer's
// rate in G binary MACs/s. Same baseline folder as wasm-ab.mjs, for example:
//
//   node apps/bench/scripts/pa-layer-ab.mjs --base packages/backend-wasm/.scratch/base --bases 2x2,3x3
//
// --rounds rounds of --ms ms medians each, the order alternating; --threads sets the worker
// count of both; --sizes picks layers by their spatial size (default all four); --net resnet8
// times ResNet-8's 3x3 layers (28x28x16, 14x14x32, 7x7x64) instead. Run from the repository root with the packages built (apps/bench's dist too).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WasmBackend } from '@pabnn/backend-wasm';
import { preparePALayer, RESNET8_3X3_LAYERS, RESNET18_3X3_LAYERS } from '../dist/pa-layer.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    bases: { type: 'string', default: '2x2' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '200' },
    threads: { type: 'string', default: '1' },
    sizes: { type: 'string' },
    net: { type: 'string', default: 'resnet18' },
  },
});
if (!values.base) throw new Error('--base <folder of a baseline backend-wasm build> is required');
const { WasmBackend: BaseBackend } = await import(
  pathToFileURL(resolve(values.base, 'dist/index.js')).href
);
const threads = Number(values.threads);
const backends = {
  base: await BaseBackend.create({ threads }),
  current: await WasmBackend.create({ threads }),
};

function medianMs(run, ms) {
  const times = [];
  const start = performance.now();
  while (performance.now() - start < ms || times.length < 5) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

for (const spec of values.bases.split(',')) {
  const [m, n] = spec.split('x').map(Number);
  for (const [size, c] of values.net === 'resnet8' ? RESNET8_3X3_LAYERS : RESNET18_3X3_LAYERS) {
    if (values.sizes && !values.sizes.split(',').map(Number).includes(size)) continue;
    const x = Float32Array.from({ length: size * size * c }, (_, i) => Math.sin(i * 0.37));
    const w = Float32Array.from({ length: c * 9 * c }, (_, i) => Math.cos(i * 0.11));
    const layers = {};
    for (const [name, b] of Object.entries(backends))
      layers[name] = preparePALayer(b, m, n, [1, size, c], x, w);
    const outs = {};
    for (const [name, l] of Object.entries(layers)) {
      // past V8's tier-up of the kernels: both builds' optimized code is timed
      medianMs(l.run, 300);
      outs[name] = backends[name].download(l.out);
    }
    const a = (await outs.base).data;
    const b = (await outs.current).data;
    let diff = 0;
    let max = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      max = Math.max(max, Math.abs(a[i]));
    }
    const best = { base: Infinity, current: Infinity };
    const names = Object.keys(layers);
    for (let r = 0; r < Number(values.rounds); r++)
      for (const name of r % 2 ? [...names].reverse() : names)
        best[name] = Math.min(best[name], medianMs(layers[name].run, Number(values.ms)));
    const macs = size * size * c * 9 * c * m * n;
    process.stdout.write(
      `${spec} ${size}x${size}x${c}: base ${(best.base * 1000).toFixed(0)} us (${(macs / best.base / 1e6).toFixed(0)} G), current ${(best.current * 1000).toFixed(0)} us (${(macs / best.current / 1e6).toFixed(0)} G), ${(best.base / best.current).toFixed(3)}x, largest difference ${(diff / max).toExponential(1)}\n`,
    );
    for (const l of Object.values(layers)) l.free();
  }
}
process.exit(0);
