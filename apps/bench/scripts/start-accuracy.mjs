// Where a binarized net starts before fine-tuning: the shipped float model's weights, quantized,
// with its activation staircases calibrated on the first training batch of 128 (as fit does),
// evaluated on the first test images twice: with the float net's batch-norm statistics, and with
// statistics re-estimated on 512 training images through the binarized convs (what training mode
// sees). Shows whether a scheme loses the float net at calibration or in training
// (reports/accuracy.md, Notes).
// usage: node apps/bench/scripts/start-accuracy.mjs <dataset> <model> <xnor|abc|pa> [bases] [relu|identity] [images]
// e.g. `... fashion-mnist densenet121 abc 3 identity 1000` (about a minute here). Needs pnpm build.
import {
  batches,
  evaluate,
  loadDataset,
  reestimateBatchNorm,
  TrainableModel,
  takeImages,
  useDevice,
} from '@pabnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { TRAIN_IMAGES } from '../dist/benchmarks/accuracy/recipe.js';
import { floatState, modelFile } from '../dist/benchmarks/accuracy/train-run.js';

const [dataset, model, scheme, basesArg, calibration = 'relu', imagesArg = '1000'] =
  process.argv.slice(2);
if (!dataset || !model || !scheme) {
  console.error(
    'usage: node apps/bench/scripts/start-accuracy.mjs <dataset> <model> <xnor|abc|pa> [bases] [relu|identity] [images]',
  );
  process.exit(2);
}
const bases = scheme === 'xnor' ? 1 : Number(basesArg ?? 3);
await useDevice('wasm');
let train = loadDataset(dataset, 'train');
if (TRAIN_IMAGES[model] !== undefined) train = takeImages(train, TRAIN_IMAGES[model]);
const test = takeImages(loadDataset(dataset, 'test'), Number(imagesArg));
const net = new TrainableModel(model, {
  input: 'mnist',
  scheme,
  weightBases: bases,
  activationBases: bases,
  calibration,
});
net.load(floatState(modelFile(`${dataset}/${model}/float`)));
const first = batches(train, { batchSize: 128, seed: 1, epoch: 0 }).next().value;
const x = tf.tensor4d(first.x, [first.size, train.height, train.width, train.channels]);
await net.prepare(x);
x.dispose();
const pct = async () =>
  `${(100 * (await evaluate(net, test, { batchSize: 16 })).top1).toFixed(2)} %`;
const floatStatistics = await pct();
await reestimateBatchNorm(net, train, { batches: 32, batchSize: 16 });
console.log(
  `${dataset} ${model} ${scheme} ${bases}x${bases} (${calibration} calibration), before fine-tuning, ` +
    `first ${test.count} test images: ${floatStatistics} with the float batch-norm statistics, ` +
    `${await pct()} re-estimated`,
);
net.dispose();
