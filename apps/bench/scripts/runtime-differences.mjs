// Every test image where the runtime (wasm) picks another class than TF.js did for a trained run
// (reports/accuracy-runs/<run>.json holds TF.js's predictions on all 10,000 test images), with
// both classes' logits on wasm and on js: a near-tie, and js and wasm disagreeing with each other,
// say that an activation fell within float rounding of a staircase threshold.
// Needs the packages built (pnpm build). Run from the repository root.
import { readFileSync } from 'node:fs';
import '@pabnn/backend-wasm';
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { batches, evaluateSession, loadDataset } from '@pabnn/train';

const root = new URL('../../../', import.meta.url).pathname;
if (process.argv.length < 3) {
  console.error(
    'usage: node apps/bench/scripts/runtime-differences.mjs <run file name>... (e.g. fashion-mnist__resnet8__pa-4x5)',
  );
  process.exit(2);
}
for (const name of process.argv.slice(2)) {
  const run = JSON.parse(readFileSync(`${root}reports/accuracy-runs/${name}.json`, 'utf8'));
  const test = loadDataset(run.spec.dataset, 'test');
  const tf = Buffer.from(run.predictions, 'base64');
  const bytes = readFileSync(`${root}models/${name}.pabnn`);
  const s = await Session.create(bytes, { backend: 'wasm', fallback: true });
  const js = await Session.create(bytes, { backend: 'js', fallback: true });
  const r = await evaluateSession(s, test);
  const same = r.predictions.reduce((n, p, i) => n + (p === tf[i] ? 1 : 0), 0);
  console.log(`${name}: wasm gives TF.js's class on ${same}/${test.count} test images`);
  for (let i = 0; i < test.count; i++) {
    if (r.predictions[i] === tf[i]) continue;
    const b = batches(test, { batchSize: 1, shuffle: false, from: i }).next().value;
    const one = async (sess) =>
      Object.values(
        await sess.run({
          image: tensor('float32', [1, test.height, test.width, test.channels], b.x.slice()),
        }),
      )[0].data;
    const lw = await one(s),
      lj = await one(js);
    const ours = r.predictions[i],
      theirs = tf[i];
    const maxAbs = Math.max(...Array.from(lw, Math.abs));
    console.log(
      name,
      'image',
      i,
      'label',
      test.labels[i],
      'runtime',
      ours,
      'TF.js',
      theirs,
      'wasm logits ours/theirs',
      lw[ours].toFixed(4),
      lw[theirs].toFixed(4),
      'margin/max',
      ((lw[ours] - lw[theirs]) / maxAbs).toExponential(2),
      '| js',
      lj[ours].toFixed(4),
      lj[theirs].toFixed(4),
    );
  }
}
