// Two builds of @pabnn/backend-wasm timed against each other in one process, interleaved, on the
// zoo's ResNet-18 at 224 (seeded weights, batch 1): the whole run and each op's summed node times
// (Session#profile), so a change to one kernel (the float stem, the PAConv2D layers) shows
// beside the run it belongs to. Same baseline folder as wasm-ab.mjs (a copy of the package's
// dist/, wasm/ and package.json inside packages/backend-wasm), for example:
//
//   node apps/bench/scripts/resnet18-ab.mjs --base packages/backend-wasm/.scratch/base --bases 2x2
//
// --bases: comma-separated M x N of pa_resnet18 ("float" for the float model); --rounds rounds of
// --runs runs each, the order alternating; each build keeps its lowest median per figure.
// --threads sets the worker count of both. Run from the repository root with the packages built.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { registerBackend } from '@pabnn/backend';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { createModel } from '@pabnn/zoo';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    bases: { type: 'string', default: '2x2' },
    rounds: { type: 'string', default: '4' },
    runs: { type: 'string', default: '7' },
    threads: { type: 'string', default: '1' },
  },
});
if (!values.base) throw new Error('--base <folder of a baseline backend-wasm build> is required');
const { wasmBackend: basePlugin } = await import(
  pathToFileURL(resolve(values.base, 'dist/plugin.js')).href
);
registerBackend({ ...basePlugin, name: 'wasm-base' });
const BUILDS = ['wasm-base', 'wasm'];
const threads = Number(values.threads);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function round(session, feeds, runs) {
  const total = [];
  const byOp = new Map();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    total.push(performance.now() - t0);
    const sums = {};
    for (const n of session.profile().nodes) sums[n.op] = (sums[n.op] ?? 0) + n.ms;
    for (const [op, ms] of Object.entries(sums)) byOp.set(op, [...(byOp.get(op) ?? []), ms]);
  }
  return { run: median(total), ...Object.fromEntries([...byOp].map(([op, v]) => [op, median(v)])) };
}

for (const spec of values.bases.split(',')) {
  const graph =
    spec === 'float'
      ? createModel('resnet18', { input: 'imagenet' })
      : createModel('pa_resnet18', {
          input: 'imagenet',
          weightBases: Number(spec.split('x')[0]),
          activationBases: Number(spec.split('x')[1]),
        });
  const input = graph.inputs[0];
  const shape = [1, ...input.shape.slice(1)];
  const n = shape.reduce((a, b) => a * b, 1);
  const feeds = {
    [input.name]: tensor(
      'float32',
      shape,
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01)),
    ),
  };
  const sessions = {};
  const outs = [];
  for (const b of BUILDS) {
    sessions[b] = await Session.create(graph, { backend: b, backendOptions: { threads } });
    outs.push(Object.values(await sessions[b].run(feeds))[0].data);
    for (let i = 0; i < 3; i++) await sessions[b].run(feeds);
  }
  let diff = 0;
  let max = 0;
  outs[0].forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - outs[1][i]));
    max = Math.max(max, Math.abs(v));
  });
  const best = { 'wasm-base': {}, wasm: {} };
  for (let r = 0; r < Number(values.rounds); r++)
    for (const b of r % 2 ? [...BUILDS].reverse() : BUILDS) {
      const got = await round(sessions[b], feeds, Number(values.runs));
      for (const [k, v] of Object.entries(got)) best[b][k] = Math.min(best[b][k] ?? Infinity, v);
    }
  const keys = ['run', ...Object.keys(best.wasm).filter((k) => k !== 'run' && best.wasm[k] > 0.05)];
  process.stdout.write(
    `${spec}, ${threads} thread(s), largest output difference ${(diff / max).toExponential(1)} of the largest output\n`,
  );
  for (const k of keys)
    process.stdout.write(
      `  ${k.padEnd(10)} base ${best['wasm-base'][k].toFixed(2).padStart(8)} ms  current ${best.wasm[k].toFixed(2).padStart(8)} ms  ${(best['wasm-base'][k] / best.wasm[k]).toFixed(3)}x\n`,
    );
  for (const b of BUILDS) sessions[b].dispose();
}
process.exit(0);
