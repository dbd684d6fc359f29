// Copies the shipped models (those <repo>/models/shipped.json names) into public/models with an index, and writes
// a few test images of each dataset to public/samples.json, so the built app runs offline.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '@pabnn/ir';
import { loadDataset } from '@pabnn/train';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(app, '../../models');
const out = join(app, 'public');
const SAMPLES_PER_DATASET = 8;

rmSync(join(out, 'models'), { recursive: true, force: true }); // no model of an earlier build
mkdirSync(join(out, 'models'), { recursive: true });
// models/shipped.json (written by `pnpm bench accuracy`) names the models the demo offers; the
// folder also holds the sweep and ablation runs the reports cite. Without it: every model.
const shippedIndex = join(modelsDir, 'shipped.json');
const shipped = existsSync(shippedIndex)
  ? JSON.parse(readFileSync(shippedIndex, 'utf8'))
      .models.map((f) => {
        // a file name in models/, nothing outside it
        if (/^[\w.-]+\.pabnn$/.test(f)) return f;
        throw new Error(`models/shipped.json: '${f}' is not a .pabnn file name in models/`);
      })
      .sort() // the dropdown's order
  : readdirSync(modelsDir)
      .filter((f) => f.endsWith('.pabnn'))
      .sort();
const models = [];
for (const file of shipped) {
  const bytes = readFileSync(join(modelsDir, file));
  const graph = load(bytes);
  const meta = graph.metadata;
  if (!meta.dataset || !meta.preprocess) continue; // not a trained 28x28 classifier
  copyFileSync(join(modelsDir, file), join(out, 'models', file));
  const [dataset, model, scheme] = file.replace('.pabnn', '').split('__');
  models.push({
    file: `models/${file}`,
    dataset,
    model,
    scheme,
    bytes: statSync(join(modelsDir, file)).size,
    top1: meta.training?.top1,
  });
}
writeFileSync(join(out, 'models', 'index.json'), `${JSON.stringify(models, null, 2)}\n`);

const samples = [];
for (const dataset of new Set(models.map((m) => m.dataset))) {
  let test;
  try {
    test = loadDataset(dataset, 'test', { limit: SAMPLES_PER_DATASET });
  } catch (error) {
    // the app still works on dropped images; say what is missing and how to get it
    process.stderr.write(`[web] no ${dataset} samples: ${error.message}\n`);
    continue;
  }
  for (let i = 0; i < test.count; i++) {
    const pixels = test.images.subarray(i * 784, (i + 1) * 784);
    samples.push({
      id: `${dataset}-${i}`,
      dataset,
      label: test.labels[i],
      className: test.classNames[test.labels[i]],
      pixels: Buffer.from(pixels).toString('base64'),
    });
  }
}
writeFileSync(join(out, 'samples.json'), `${JSON.stringify(samples)}\n`);
process.stdout.write(`[web] ${models.length} models, ${samples.length} samples in public/\n`);
