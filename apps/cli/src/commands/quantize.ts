import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageToInput, quantizeGraph, simplify } from '@pabnn/convert';
import { save, type Tensor, tensor } from '@pabnn/ir';
import type { Command } from '../command.js';
import { decodeImage } from '../decode-image.js';
import { UsageError } from '../errors.js';
import { defaultBackends } from '../gpu-probe.js';
import { loadModel } from '../load-model.js';
import { choiceOption, intOption, pathOption } from '../options.js';
import { progressBar } from '../progress.js';
import { PREPROCESS } from './run.js';

export const quantize: Command = {
  name: 'quantize',
  summary: 'turn a float model into a PA (or ABC-Net, XNOR) model, post-training',
  usage:
    'pabnn quantize <model.onnx|model.json|model.pabnn> -o out.pabnn [--scheme pa|abc|xnor] [--weight-bases 4] [--activation-bases 5] [--strategy optimal|lloyd|quantile|uniform] [--calibrate <image folder>] [--preprocess none|unit|caffe|tf]',
  options: {
    output: { type: 'string', short: 'o' },
    scheme: { type: 'string' },
    'weight-bases': { type: 'string' },
    'activation-bases': { type: 'string' },
    strategy: { type: 'string' },
    calibrate: { type: 'string' },
    preprocess: { type: 'string' },
  },
  async run([path], values) {
    if (!path) throw new UsageError('quantize needs a model file');
    const output = values.output as string | undefined;
    if (!output) throw new UsageError('quantize needs -o <out.pabnn>');
    const scheme = choiceOption(values.scheme, 'scheme', ['pa', 'abc', 'xnor'] as const, 'pa');
    const strategy = choiceOption(
      values.strategy,
      'strategy',
      ['optimal', 'lloyd', 'quantile', 'uniform'] as const,
      'optimal',
    );
    const preprocess = choiceOption(values.preprocess, 'preprocess', PREPROCESS, 'none');
    const weightBases = intOption(values['weight-bases'], 'weight-bases', 4, 1, 16);
    const activationBases = intOption(values['activation-bases'], 'activation-bases', 5, 1, 16);
    const calibrate = pathOption(values.calibrate, 'calibrate', true);
    const graph = loadModel(path);
    let calibration: 'batchnorm' | { inputs: Record<string, Tensor>[]; backend?: string } =
      'batchnorm';
    if (calibrate) {
      const folder = calibrate;
      const files = readdirSync(folder).filter((f) => /\.(jpe?g|png)$/i.test(f));
      if (files.length === 0)
        throw new UsageError(`--calibrate ${folder}: no JPEG or PNG images in it`);
      const [input] = graph.inputs;
      const [, h, w, c] = input.shape;
      calibration = {
        inputs: files.map((f) => ({
          [input.name]: tensor(
            'float32',
            [1, h, w, c],
            imageToInput(decodeImage(join(folder, f)), h, w, c, preprocess),
          ),
        })),
        backend: defaultBackends()?.[0],
      };
    }
    const bar = progressBar(`quantizing (${scheme})`);
    const quantized = await quantizeGraph(graph, {
      scheme,
      weightBases,
      activationBases,
      strategy,
      calibration,
      onProgress: (done, total, layer) => bar(done, total, layer),
    });
    const { graph: simplified, report } = simplify(quantized);
    const bytes = save(simplified);
    writeFileSync(output, bytes);
    const layers = (quantized.metadata.quantization as { layers: string[] }).layers.length;
    process.stdout.write(
      `wrote ${output}: ${layers} convs binarized, ${report.foldedBatchNorms} BatchNorms folded, ${(bytes.length / 1e6).toFixed(2)} MB\n`,
    );
    return 0;
  },
};
