import { imageToInput, type Preprocess } from '@pabnn/convert';
import { tensor } from '@pabnn/ir';
import {
  modelLabels,
  modelPreprocess,
  normalizePixels,
  type Prediction,
  Session,
  topK,
} from '@pabnn/runtime';
import type { Command } from '../command.js';
import { decodeImage } from '../decode-image.js';
import { UsageError } from '../errors.js';
import { defaultBackends } from '../gpu-probe.js';
import { readLabels } from '../labels.js';
import { loadModel } from '../load-model.js';
import { backendOption, choiceOption, intOption, pathOption } from '../options.js';

export const PREPROCESS: readonly Preprocess[] = ['none', 'unit', 'caffe', 'tf'];

export const run: Command = {
  name: 'run',
  summary:
    'classify images with a model; prints the top classes, their probabilities and the latency',
  usage:
    'pabnn run <model> <image...> [--backend wasm|js|webgpu] [--top 5] [--preprocess none|unit|caffe|tf] [--labels labels.json] [--output name] [--json]',
  details: `Each image (PNG or JPEG) is centre-cropped to a square, resized to the model's input and
made grey for one-channel models. Then, by default, the model's own metadata.preprocess
((pixel * scale - mean) / std, as it was trained) is applied; --preprocess names another
mode instead. Class names come from the model's metadata.labels (or --labels).

Probabilities are the softmax of the output's logits (as is when the output is a Softmax
node). The latency is of one run per image, timed after one untimed warm-up run of the
first image (the warm-up plans memory and prepares the kernels).`,
  options: {
    backend: {
      type: 'string',
      description: 'wasm, js or webgpu (default: the best available; WebGPU only with an adapter)',
    },
    top: { type: 'string', description: 'how many classes to print (default 5)' },
    preprocess: {
      type: 'string',
      description:
        "none (0..255), unit (0..1), caffe (BGR minus ImageNet means), tf (-1..1); default: the model's metadata.preprocess, else none",
    },
    labels: {
      type: 'string',
      description:
        "JSON file of class names (array, or Keras class-index object); default: the model's metadata.labels",
    },
    output: { type: 'string', description: "the output to read (default: the model's first)" },
    json: { type: 'boolean', description: 'print one JSON array of results instead of tables' },
  },
  examples: [
    'pabnn run models/fashion-mnist__resnet8__pa-4x5.pabnn ankle-boot.png --top 3',
    'pabnn run resnet50.pabnn coffee.jpg --preprocess caffe --labels labels.json --json',
  ],
  async run([path, ...images], values) {
    if (!path || images.length === 0)
      throw new UsageError('run needs a model and at least one image');
    const mode =
      values.preprocess === undefined
        ? undefined
        : choiceOption(values.preprocess, 'preprocess', PREPROCESS, 'none');
    const top = intOption(values.top, 'top', 5);
    const backend = backendOption(values.backend);
    const labelsPath = pathOption(values.labels, 'labels');
    const graph = loadModel(path);
    const [input] = graph.inputs;
    if (input.shape.length !== 4)
      throw new UsageError(
        `run classifies images; the model's input '${input.name}' is not [N, H, W, C]`,
      );
    const [, h, w, c] = input.shape;
    const outputName = (values.output as string | undefined) ?? graph.outputs[0];
    if (!graph.outputs.includes(outputName))
      throw new UsageError(
        `the model has no output '${outputName}' (outputs: ${graph.outputs.join(', ')})`,
      );
    // the model's own preprocessing unless --preprocess names one (shared with apps/web)
    const preprocess = mode === undefined ? modelPreprocess(graph.metadata, c) : undefined;
    const labels = labelsPath === undefined ? modelLabels(graph.metadata) : readLabels(labelsPath);
    const probabilities = graph.nodes.some(
      (n) => n.op === 'Softmax' && n.outputs.includes(outputName),
    );
    const inputs = images.map((image) => {
      const pixels = imageToInput(decodeImage(image), h, w, c, mode ?? 'none');
      const x = preprocess ? normalizePixels(pixels, c, preprocess) : pixels;
      return { [input.name]: tensor('float32', [1, h, w, c], x) };
    });
    const session = await Session.create(graph, { backend: backend ?? defaultBackends() });
    const results: { image: string; ms: number; backend: string; top: Prediction[] }[] = [];
    try {
      await session.run(inputs[0]); // warm-up, not timed
      for (const [i, image] of images.entries()) {
        const started = performance.now();
        const out = await session.run(inputs[i]);
        const ms = performance.now() - started;
        const scores = out[outputName].data;
        results.push({
          image,
          ms,
          backend: session.profile().backend,
          top: topK(scores, top, labels, { probabilities }),
        });
      }
    } finally {
      session.dispose();
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      return 0;
    }
    for (const r of results) {
      process.stdout.write(
        `${r.image}  (${r.ms.toFixed(2)} ms on ${r.backend}, after a warm-up run)\n`,
      );
      const width = Math.max(5, ...r.top.map((p) => p.label.length));
      process.stdout.write(`  ${'label'.padEnd(width)}  class  probability\n`);
      for (const p of r.top)
        process.stdout.write(
          `  ${p.label.padEnd(width)}  ${String(p.classIndex).padStart(5)}  ${(100 * p.probability).toFixed(2).padStart(9)} %\n`,
        );
    }
    return 0;
  },
};
