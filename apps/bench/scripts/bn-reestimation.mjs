// What reestimateBatchNorm does to a short fine-tune: a binarized ResNet-8 fine-tuned on the CPU
// (wasm) from the shipped float model for a few steps, then evaluated on the first 2,000 test
// images with its running batch-norm statistics and again after averaging them over 40 batches.
// usage: node apps/bench/scripts/bn-reestimation.mjs <mnist|fashion-mnist> <xnor|pa|abc> <steps> [bases]
// e.g. `... mnist xnor 200` (about 3 minutes here). Needs the packages and apps/bench built (pnpm build).
import {
  evaluate,
  fit,
  loadDataset,
  reestimateBatchNorm,
  TrainableModel,
  takeImages,
  useDevice,
} from '@pabnn/train';
import { floatState, modelFile } from '../dist/benchmarks/accuracy/train-run.js';

const [dataset, scheme, stepsArg, basesArg] = process.argv.slice(2);
if (!dataset || !scheme || !stepsArg) {
  console.error(
    'usage: node apps/bench/scripts/bn-reestimation.mjs <mnist|fashion-mnist> <xnor|pa|abc> <steps> [bases]',
  );
  process.exit(2);
}
const bases = scheme === 'xnor' ? 1 : Number(basesArg ?? 3);
await useDevice('wasm');
const train = loadDataset(dataset, 'train');
const test = takeImages(loadDataset(dataset, 'test'), 2000);
const model = new TrainableModel('resnet8', {
  input: 'mnist',
  scheme,
  weightBases: bases,
  activationBases: bases,
  weightRefitEvery: 10,
});
model.load(floatState(modelFile(`${dataset}/resnet8/float`)));
const r = await fit(model, train, {
  epochs: 1,
  batchSize: 128,
  learningRate: 5e-4,
  maxSteps: Number(stepsArg),
});
console.log(
  `${scheme} ${bases}x${bases} on ${dataset}: ${r.steps} steps in ${r.seconds.toFixed(0)} s`,
);
console.log(`running statistics: ${(100 * (await evaluate(model, test)).top1).toFixed(2)} %`);
const images = await reestimateBatchNorm(model, train, { batches: 40 });
console.log(
  `re-estimated on ${images} images: ${(100 * (await evaluate(model, test)).top1).toFixed(2)} %`,
);
