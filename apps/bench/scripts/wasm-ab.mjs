// Two builds of @pabnn/backend-wasm timed against each other in one process, interleaved: the
// way to tell a kernel change from this VM's slow phases of seconds, which move every figure by
// up to ~1.6x between runs (apps/bench src/timing.ts). The baseline is a copy of the package's
// built files (dist/, wasm/, package.json) kept inside packages/backend-wasm (so it resolves the
// same @pabnn/backend), for example before a change:
//
//   mkdir -p packages/backend-wasm/.scratch/base
//   cp -r packages/backend-wasm/{dist,wasm,package.json} packages/backend-wasm/.scratch/base/
//   (change, pnpm --filter @pabnn/backend-wasm build)
//   node apps/bench/scripts/wasm-ab.mjs --base packages/backend-wasm/.scratch/base
//
// Each shipped Fashion-MNIST ResNet-8 named by --models (batch 1) runs on both builds in turn,
// --rounds rounds of 300 ms medians each, the order alternating; the lowest median of each
// build is printed with their ratio and the largest output difference (0 when a change keeps
// the arithmetic). --threads sets the worker count of both. Run from the repository root with
// the packages built.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { registerBackend } from '@pabnn/backend';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    models: { type: 'string', default: 'pa-3x3-bn,pa-4x5,pa-2x2-bn,xnor-1x1' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
  },
});
if (!values.base) throw new Error('--base <folder of a baseline backend-wasm build> is required');
const root = new URL('../../../', import.meta.url).pathname;
const baseUrl = pathToFileURL(resolve(values.base, 'dist/plugin.js')).href;
const { wasmBackend: basePlugin } = await import(baseUrl);
registerBackend({ ...basePlugin, name: 'wasm-base' });

const threads = Number(values.threads);
// one fixed image: both builds see the same input
const image = tensor(
  'float32',
  [1, 28, 28, 1],
  Float32Array.from({ length: 784 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.1),
);
const BUILDS = ['wasm-base', 'wasm'];

async function medianMs(session, ms = 300) {
  const times = [];
  const start = performance.now();
  while (performance.now() - start < ms || times.length < 20) {
    const t0 = performance.now();
    await session.run({ image });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

for (const model of values.models.split(',')) {
  const bytes = readFileSync(`${root}models/fashion-mnist__resnet8__${model}.pabnn`);
  const sessions = {};
  for (const b of BUILDS)
    sessions[b] = await Session.create(bytes, { backend: b, backendOptions: { threads } });
  const outs = [];
  for (const b of BUILDS) {
    const out = await sessions[b].run({ image });
    outs.push(Object.values(out)[0].data);
    for (let i = 0; i < 100; i++) await sessions[b].run({ image });
  }
  let diff = 0;
  let max = 0;
  outs[0].forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - outs[1][i]));
    max = Math.max(max, Math.abs(v));
  });
  const best = { 'wasm-base': Infinity, wasm: Infinity };
  for (let r = 0; r < Number(values.rounds); r++)
    for (const b of r % 2 ? [...BUILDS].reverse() : BUILDS)
      best[b] = Math.min(best[b], await medianMs(sessions[b]));
  process.stdout.write(
    `${model}, ${threads} thread(s): base ${best['wasm-base'].toFixed(3)} ms, current ${best.wasm.toFixed(3)} ms, ${(best['wasm-base'] / best.wasm).toFixed(2)}x (largest output difference ${(diff / max).toExponential(1)} of the largest output)\n`,
  );
  for (const b of BUILDS) sessions[b].dispose();
}
process.exit(0);
