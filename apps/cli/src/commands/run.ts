import { imageToInput, type Preprocess } from '@pabnn/convert';
import { tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
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
  summary: 'classify images with a model; prints the top classes and the latency',
  usage:
    'pabnn run <model> <image...> [--backend wasm|js|webgpu] [--top 5] [--preprocess none|unit|caffe|tf] [--labels labels.json] [--output name]',
  options: {
    backend: { type: 'string' },
    top: { type: 'string' },
    preprocess: { type: 'string' },
    labels: { type: 'string' },
    output: { type: 'string' },
  },
  async run([path, ...images], values) {
    if (!path || images.length === 0)
      throw new UsageError('run needs a model and at least one image');
    const mode = choiceOption(values.preprocess, 'preprocess', PREPROCESS, 'none');
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
    const labels = labelsPath === undefined ? undefined : readLabels(labelsPath);
    const session = await Session.create(graph, { backend: backend ?? defaultBackends() });
    const outputName = (values.output as string | undefined) ?? graph.outputs[0];
    for (const image of images) {
      const x = imageToInput(decodeImage(image), h, w, c, mode);
      const started = performance.now();
      const out = await session.run({ [input.name]: tensor('float32', [1, h, w, c], x) });
      const ms = performance.now() - started;
      const scores = out[outputName]?.data;
      if (!scores)
        throw new UsageError(
          `the model has no output '${outputName}' (outputs: ${graph.outputs.join(', ')})`,
        );
      const order = Array.from(scores, (_, i) => i)
        .sort((a, b) => scores[b] - scores[a])
        .slice(0, top);
      process.stdout.write(`${image}  (${ms.toFixed(1)} ms on ${session.profile().backend})\n`);
      for (const k of order)
        process.stdout.write(
          `  ${String(k).padStart(4)}  ${scores[k].toFixed(4)}  ${labels?.[k] ?? ''}\n`,
        );
    }
    session.dispose();
    return 0;
  },
};
