// Every test image where the runtime (wasm) picks another class than TF.js did for a trained run
// (reports/accuracy-runs/<run>.json holds TF.js's predictions on all 10,000 test images), with
// both classes' logits on wasm and on js: a near-tie, and js and wasm disagreeing with each other,
// say that an activation fell within float rounding of a staircase threshold.
//
// --trials K (default 0) adds a rounding test for deep nets, where one flipped activation moves
// the logits far from a tie: each differing image is run K more times with every pixel scaled by
// (1 + eps * u), u uniform in [-1, 1] (--eps, default 1e-6: a few float32 ulps, the size of a
// change of summation order). A differing image whose class moves (to TF.js's or any other) under
// such a nudge is decided by rounding; the same test on as many agreeing images (the first
// agreeing image after each differing one) tells how often that happens by chance.
// --js also evaluates every checked image on the js backend: how often our two backends (both
// matched per kernel to the float64 reference) disagree with each other, next to TF.js.
// --limit N checks the first N test images only (default: all 10,000).
// Needs the packages built (pnpm build). Run from the repository root.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import '@pabnn/backend-wasm';
import '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { batches, evaluateSession, loadDataset, takeImages } from '@pabnn/train';

const root = new URL('../../../', import.meta.url).pathname;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trials: { type: 'string', default: '0' },
    eps: { type: 'string', default: '1e-6' },
    limit: { type: 'string' },
    js: { type: 'boolean', default: false },
  },
});
if (positionals.length === 0) {
  console.error(
    'usage: node apps/bench/scripts/runtime-differences.mjs [--limit N] [--js] [--trials K] [--eps E] <run file name>...\n' +
      '  e.g. fashion-mnist__resnet8__pa-4x5, or fashion-mnist__densenet121__pa-3x3 --limit 1000 --trials 8',
  );
  process.exit(2);
}
const trials = Number(values.trials);
const eps = Number(values.eps);

/** K copies of one image, each pixel scaled by (1 + eps * u); a fixed seed makes runs repeat. */
function nudged(x, k, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(x.length * k);
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < x.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const u = (s >>> 0) / 2 ** 31 - 1;
      out[t * x.length + i] = x[i] * (1 + eps * u);
    }
  }
  return out;
}

/** Images on which two class lists agree. */
const agree = (a, b) => a.reduce((n, p, i) => n + (p === b[i] ? 1 : 0), 0);

for (const name of positionals) {
  const run = JSON.parse(readFileSync(`${root}reports/accuracy-runs/${name}.json`, 'utf8'));
  const all = loadDataset(run.spec.dataset, 'test');
  const test = values.limit ? takeImages(all, Number(values.limit)) : all;
  const tf = Buffer.from(run.predictions, 'base64');
  const bytes = readFileSync(`${root}models/${name}.pabnn`);
  const s = await Session.create(bytes, { backend: 'wasm', fallback: true });
  const js = await Session.create(bytes, { backend: 'js', fallback: true });
  const r = await evaluateSession(s, test);
  console.log(
    `${name}: wasm gives TF.js's class on ${agree(r.predictions, tf)}/${test.count} test images`,
  );
  if (values.js) {
    const j = await evaluateSession(js, test);
    console.log(
      `${name}: js gives TF.js's class on ${agree(j.predictions, tf)}/${test.count}, ` +
        `js and wasm agree on ${agree(j.predictions, r.predictions)}/${test.count}`,
    );
  }
  const shape = [test.height, test.width, test.channels];
  const image = (i) => batches(test, { batchSize: 1, shuffle: false, from: i }).next().value.x;
  const logits = async (sess, x, k = 1) =>
    Object.values(await sess.run({ image: tensor('float32', [k, ...shape], x) }))[0].data;
  const argmax = (a, off, n) => {
    let best = 0;
    for (let c = 1; c < n; c++) if (a[off + c] > a[off + best]) best = c;
    return best;
  };
  /** Classes the runtime gives K nudged copies of image i. */
  const nudgedClasses = async (i) => {
    const l = await logits(s, nudged(image(i), trials, i + 1), trials);
    const n = l.length / trials;
    return Array.from({ length: trials }, (_, t) => argmax(l, t * n, n));
  };
  const tally = { differing: 0, moved: 0, toTf: 0, controls: 0, controlsMoved: 0 };
  for (let i = 0; i < test.count; i++) {
    if (r.predictions[i] === tf[i]) continue;
    const x = image(i);
    const lw = await logits(s, x.slice());
    const lj = await logits(js, x.slice());
    const ours = r.predictions[i];
    const theirs = tf[i];
    const maxAbs = Math.max(...Array.from(lw, Math.abs));
    const line = [
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
    ];
    if (trials > 0) {
      const classes = await nudgedClasses(i);
      const moved = classes.filter((c) => c !== ours).length;
      const toTf = classes.filter((c) => c === theirs).length;
      tally.differing++;
      if (moved) tally.moved++;
      if (toTf) tally.toTf++;
      line.push(`| nudged: ${moved}/${trials} move, ${toTf} to TF.js's class`);
      let j = i + 1;
      while (j < test.count && r.predictions[j] !== tf[j]) j++;
      if (j < test.count) {
        const control = await nudgedClasses(j);
        tally.controls++;
        if (control.some((c) => c !== r.predictions[j])) tally.controlsMoved++;
      }
    }
    console.log(...line);
  }
  if (trials > 0) {
    console.log(
      `${name}: nudging every pixel by up to ${eps} (relative, ${trials} trials) moves the class of ` +
        `${tally.moved}/${tally.differing} differing images (${tally.toTf} to TF.js's class) and of ` +
        `${tally.controlsMoved}/${tally.controls} agreeing ones`,
    );
  }
}
