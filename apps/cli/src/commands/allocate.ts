import type { Graph } from '@pabnn/ir';
import type { DatasetName } from '@pabnn/train';
import type { LayerBases } from '@pabnn/zoo';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../load-model.js';
import { intOption } from '../options.js';
import { progressBar } from '../progress.js';
import { loadTrain } from '../train-module.js';

/** '3x3' -> { weightBases: 3, activationBases: 3 }. */
function basesOption(value: string, name: string): LayerBases {
  const m = /^(\d+)x(\d+)$/.exec(value.trim());
  const [weightBases, activationBases] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!(weightBases >= 1 && weightBases <= 16 && activationBases >= 1 && activationBases <= 16)) {
    throw new UsageError(`--${name} takes MxN with M and N from 1 to 16 (e.g. 2x2), got ${value}`);
  }
  return { weightBases, activationBases };
}

/** The zoo architecture a float model was trained as (metadata.zoo of @pabnn/train's export). */
function zooOf(
  graph: Graph,
  path: string,
): { model: string; input: 'mnist' | 'cifar' | 'imagenet' } {
  const zoo = graph.metadata.zoo as
    | { model?: unknown; options?: { scheme?: unknown; input?: unknown } }
    | undefined;
  if (typeof zoo?.model !== 'string' || zoo.options?.scheme !== 'float') {
    throw new UsageError(
      `${path} is not a float zoo model trained by @pabnn/train (metadata.zoo with scheme 'float'); allocate starts from one`,
    );
  }
  return { model: zoo.model, input: (zoo.options.input as 'mnist') ?? 'mnist' };
}

export const allocate: Command = {
  name: 'allocate',
  summary: 'per-layer PA bases (M, N) for a trained float model under a binary-operations budget',
  usage:
    'pabnn allocate <float.pabnn> [--bases 3x3] [--candidates 1x1,2x2] [--budget 0.5] [--images 512] [--bn-batches 8] [--json]',
  details: `Measures how much each binarized layer's outputs move away from the float model's when
only that layer drops to a candidate (M, N) (KL divergence on training images, after
calibration and batch-norm re-estimation; @pabnn/train measureSensitivity), then chooses each
layer's (M, N) for the least summed increase within --budget times the binary operations of
the model at --bases everywhere (allocateBases). The model must be a float zoo model exported
by @pabnn/train (its metadata names the architecture and dataset). Prints the allocation; with
--json, an object whose layerBases is the zoo option (and @pabnn/train's TrainableModel
option) that trains it. docs/PA-METHOD.md, Per-layer bases, explains the method.`,
  options: {
    bases: { type: 'string', description: 'the reference (M, N) of every layer (default 3x3)' },
    candidates: {
      type: 'string',
      description: 'the (M, N) a layer may drop to, comma-separated (default 1x1,1x2,2x1,2x2)',
    },
    budget: {
      type: 'string',
      description: 'share of the reference binary operations allowed, in (0, 1] (default 0.5)',
    },
    images: { type: 'string', description: 'training images measured (default 512)' },
    'bn-batches': {
      type: 'string',
      description: 'batch-norm re-estimation batches of 128 per variant (default 8; 0: none)',
    },
    json: { type: 'boolean', description: 'print the allocation as JSON' },
  },
  examples: [
    'pabnn allocate models/fashion-mnist__resnet8__float.pabnn',
    'pabnn allocate models/fashion-mnist__resnet8__float.pabnn --bases 4x5 --candidates 1x1,2x2,3x3 --budget 0.3 --json',
  ],
  async run([path], values) {
    if (!path) throw new UsageError('allocate needs a float model file');
    const reference = basesOption((values.bases as string | undefined) ?? '3x3', 'bases');
    const candidates = ((values.candidates as string | undefined) ?? '1x1,1x2,2x1,2x2')
      .split(',')
      .map((c) => basesOption(c, 'candidates'));
    const budget = values.budget === undefined ? 0.5 : Number(values.budget);
    if (!(budget > 0 && budget <= 1)) {
      throw new UsageError(`--budget must be a number in (0, 1], got ${values.budget}`);
    }
    const {
      allocateBases,
      binaryOpsCost,
      choicesFromSensitivity,
      DATASETS,
      loadDataset,
      measureSensitivity,
      useDevice,
    } = await loadTrain();
    const images = intOption(values.images, 'images', 512, 1, 60_000);
    const bnBatches = intOption(values['bn-batches'], 'bn-batches', 8, 0, 1000);
    const graph = loadModel(path);
    const { model, input } = zooOf(graph, path);
    const dataset = graph.metadata.dataset as DatasetName | undefined;
    if (!dataset || !DATASETS.includes(dataset)) {
      throw new UsageError(
        `${path} names no dataset allocate has (metadata.dataset: ${DATASETS.join(', ')})`,
      );
    }
    const floatState: Record<string, Float32Array> = {};
    for (const [name, t] of graph.constants)
      if (t.dtype === 'float32') floatState[name] = t.data as Float32Array;
    await useDevice('wasm');
    const options = { input, scheme: 'pa', ...reference } as const;
    const bar = progressBar('sensitivity');
    const sensitivity = await measureSensitivity({
      model,
      options,
      floatState,
      data: loadDataset(dataset, 'train', { limit: Math.max(images, 128 * bnBatches) }),
      images,
      candidates,
      bnReestimationBatches: bnBatches,
      onProgress: (done, total) => bar(done, total),
    });
    const cost = binaryOpsCost(model, options);
    const choices = choicesFromSensitivity(sensitivity, cost);
    const full = choices.reduce((sum, l) => sum + l.choices[0].cost, 0);
    const allocation = allocateBases(choices, budget * full);
    const report = {
      model: path,
      reference,
      budget,
      binaryOpsShare: allocation.cost / full,
      predictedKlIncrease: allocation.error,
      referenceKl: sensitivity.reference.kl,
      layerBases: allocation.layerBases,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const ref = `${reference.weightBases}x${reference.activationBases}`;
    process.stdout.write(
      `${path}: ${(100 * report.binaryOpsShare).toFixed(1)} % of the binary operations of ${ref} everywhere, predicted KL increase ${allocation.error.toFixed(3)}\n`,
    );
    for (const [layer, b] of Object.entries(allocation.layerBases)) {
      process.stdout.write(`  ${layer.padEnd(28)} ${b.weightBases}x${b.activationBases}\n`);
    }
    return 0;
  },
};
