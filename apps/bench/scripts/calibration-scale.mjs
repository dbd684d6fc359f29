// Where each binarized layer's activation staircase sits against the inputs training feeds it
// (reports/accuracy.md, Notes: why ABC-Net 3x3 sat at chance on DenseNet-121 and MobileNet-V1).
// Starts from the shipped float model, calibrates on the first training batch, and prints per
// binarized layer: the staircase, the input's mean and standard deviation in inference mode
// (running statistics) and in training mode (batch statistics), the share of inputs on each
// step and within ABC-Net's straight-through window (|x - t| <= 1/2); then each conv's weight
// gradient at the first step, optionally `steps` steps of fit (Adam 5e-4, cosine), and the top-1
// and prediction histogram on the first 500 test images.
// usage: node apps/bench/scripts/calibration-scale.mjs <model> <xnor|abc|pa> <bases> <relu|identity>
//          <batch|running> [trainImages=1000] [steps=0] [batchSize=64]
// e.g. `... mobilenet_v1 abc 3 relu running` (the old calibration) vs `... relu batch`. Needs pnpm build.
// It reads TrainableModel's private layer map (a diagnostic, not an API).
import {
  batches,
  evaluate,
  fit,
  loadDataset,
  TrainableModel,
  takeImages,
  useDevice,
} from '@pabnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { floatState, modelFile } from '../dist/benchmarks/accuracy/train-run.js';

const [model, scheme, basesArg, calibration, statistics, imagesArg, stepsArg, batchArg] =
  process.argv.slice(2);
if (!model || !scheme || !statistics) {
  console.error(
    'usage: node apps/bench/scripts/calibration-scale.mjs <model> <xnor|abc|pa> <bases> <relu|identity> <batch|running> [trainImages] [steps] [batchSize]',
  );
  process.exit(2);
}
const bases = scheme === 'xnor' ? 1 : Number(basesArg);
const batchSize = Number(batchArg ?? 64);
await useDevice('wasm');
const train = takeImages(loadDataset('fashion-mnist', 'train'), Number(imagesArg ?? 1000));
const test = takeImages(loadDataset('fashion-mnist', 'test'), 500);
const net = new TrainableModel(model, {
  input: 'mnist',
  scheme,
  weightBases: bases,
  activationBases: bases,
  calibration,
  calibrationStatistics: statistics,
  weightRefitEvery: 10,
});
net.load(floatState(modelFile(`fashion-mnist/${model}/float`)));
const first = batches(train, { batchSize, seed: 1, epoch: 0 }).next().value;
const x = tf.tensor4d(first.x, [first.size, 28, 28, 1]);
const y = tf.oneHot(tf.tensor1d(Int32Array.from(first.labels), 'int32'), 10);
await net.prepare(x);

const layers = [...net.convs].filter(([, c]) => c.binary);
const inputs = new Map();
const originals = new Map();
for (const [name, c] of layers) {
  const q = c.binary.activations;
  originals.set(name, q.apply);
  q.apply = (input) => {
    inputs.set(name, Float32Array.from(input.dataSync()));
    return originals.get(name).call(q, input);
  };
}
const f = (values) => Array.from(values, (v) => v.toFixed(2)).join(' ');
for (const training of [false, true]) {
  tf.tidy(() => {
    net.forward(x, training);
  });
  console.log(
    `-- ${training ? 'training mode (batch statistics)' : 'inference mode (running statistics)'}`,
  );
  for (const [name, c] of layers) {
    const s = await c.binary.activations.staircase();
    const d = inputs.get(name);
    let mean = 0;
    for (const v of d) mean += v;
    mean /= d.length;
    let sq = 0;
    for (const v of d) sq += (v - mean) ** 2;
    const t = Array.from(s.thresholds);
    const steps = new Array(t.length + 1).fill(0);
    let inWindow = 0;
    for (const v of d) {
      steps[t.filter((th) => v >= th).length]++;
      if (t.some((th) => Math.abs(v - th) <= 0.5)) inWindow++;
    }
    console.log(
      `${name} input mean ${mean.toFixed(2)} std ${Math.sqrt(sq / d.length).toFixed(2)} | ` +
        `t [${f(t)}] v [${f(s.levels)}] | per step % [${steps.map((k) => ((100 * k) / d.length).toFixed(0)).join(' ')}] | ` +
        `within 1/2 of a threshold ${((100 * inWindow) / d.length).toFixed(1)} %`,
    );
  }
}
for (const [name, c] of layers) c.binary.activations.apply = originals.get(name);

const variables = net.trainableVariables();
const { value, grads } = tf.variableGrads(() => {
  const logits = net.forward(x, true);
  return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1)));
}, variables);
console.log(`first batch: loss ${value.dataSync()[0].toFixed(4)}; weight gradient L2 norms:`);
for (const [name, c] of net.convs) {
  const g = grads[c.weight.name];
  console.log(`  ${name} ${Math.sqrt(tf.sum(tf.square(g)).dataSync()[0]).toExponential(2)}`);
}
tf.dispose([value, ...Object.values(grads)]);

const steps = Number(stepsArg ?? 0);
if (steps > 0) {
  const r = await fit(net, train, {
    epochs: 1,
    batchSize,
    learningRate: 5e-4,
    schedule: 'cosine',
    maxSteps: steps,
  });
  console.log(
    `fit: ${r.steps} steps, loss ${r.firstLoss.toFixed(4)} (first 10 %) -> ${r.lastLoss.toFixed(4)} (last 10 %)`,
  );
}
const e = await evaluate(net, test, { batchSize: 100 });
const histogram = new Array(10).fill(0);
for (const p of e.predictions) histogram[p]++;
console.log(
  `first ${test.count} test images: top-1 ${(100 * e.top1).toFixed(2)} %, predictions per class ${histogram.join(' ')}`,
);
net.dispose();
