import { readFileSync } from 'node:fs';
import '@pabnn/backend-wasm';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

const models = process.argv[2].split(',');
const image = tensor(
  'float32',
  [1, 28, 28, 1],
  Float32Array.from({ length: 784 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.1),
);
const res = {};
for (const model of models) {
  const s = await Session.create(
    readFileSync(`/work/main/models/fashion-mnist__resnet8__${model}.pabnn`),
    { backend: 'wasm', backendOptions: { threads: 1 } },
  );
  for (let i = 0; i < 100; i++) await s.run({ image });
  const t = new Map();
  const tot = [];
  for (let i = 0; i < 400; i++) {
    const t0 = performance.now();
    await s.run({ image });
    tot.push(performance.now() - t0);
    for (const n of s.profile().nodes) {
      (t.get(n.node) ?? t.set(n.node, []).get(n.node)).push(n.ms);
    }
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  res[model] = { total: med(tot), nodes: Object.fromEntries([...t].map(([k, v]) => [k, med(v)])) };
}
const names = Object.keys(res[models[0]].nodes);
console.log(['node', ...models].join('\t'));
for (const n of names)
  console.log(
    [n.padEnd(24), ...models.map((m) => ((res[m].nodes[n] ?? 0) * 1000).toFixed(0))].join('\t'),
  );
console.log(['total', ...models.map((m) => res[m].total.toFixed(3))].join('\t'));
process.exit(0);
