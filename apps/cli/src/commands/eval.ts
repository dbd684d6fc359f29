import { Session } from '@pabnn/runtime';
import { DATASETS, type DatasetName, evaluateSession, loadDataset } from '@pabnn/train';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { defaultBackends } from '../gpu-probe.js';
import { loadModel } from '../load-model.js';
import { backendOption, intOption } from '../options.js';
import { progressBar } from '../progress.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'top-1 accuracy and latency of a 28x28 model on the MNIST or Fashion-MNIST test set',
  usage:
    'pabnn eval <model.pabnn> --dataset fashion-mnist|mnist [--backend wasm|js|webgpu] [--limit N] [--json]',
  options: {
    dataset: { type: 'string' },
    backend: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run([path], values) {
    if (!path) throw new UsageError('eval needs a model file');
    const dataset = (values.dataset ?? '') as DatasetName;
    if (!DATASETS.includes(dataset)) {
      throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}`);
    }
    const limit = values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1);
    const requested = backendOption(values.backend);
    const graph = loadModel(path);
    const trainedOn = graph.metadata.dataset;
    if (trainedOn !== undefined && trainedOn !== dataset) {
      process.stderr.write(`warning: ${path} was trained on ${trainedOn}, not ${dataset}\n`);
    }
    const test = loadDataset(dataset, 'test', { limit });
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
