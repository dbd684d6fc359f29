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
    'pabnn quantize <model.onnx|model.json|model.pabnn> -o out.pabnn [--scheme pa|abc|xnor] [--weight-bases 4] [--activation-bases 5] [--strategy optimal|lloyd|quantile|uniform] [--calibrate <image folder>] [--preprocess none|unit|caffe|tf] [--json]',
  details: `Every conv but the first becomes a binarized one (PAConv2D); BatchNorms are folded into
the convs. Activation thresholds are calibrated from the BatchNorm statistics, or with
--calibrate from the activations of real images.`,
  options: {
    output: { type: 'string', short: 'o', description: 'the .pabnn file to write (required)' },
    scheme: { type: 'string', description: 'pa, abc (ABC-Net) or xnor (default pa)' },
    'weight-bases': { type: 'string', description: 'M, weight bases per conv, 1-16 (default 4)' },
    'activation-bases': {
      type: 'string',
      description: 'N, activation bases per conv, 1-16 (default 5)',
    },
    strategy: {
      type: 'string',
      description: 'how staircases are fitted: optimal, lloyd, quantile, uniform (default optimal)',
    },
    calibrate: {
      type: 'string',
      description:
        'a folder of PNG/JPEG images to calibrate activations (default: BatchNorm statistics)',
    },
    preprocess: {
      type: 'string',
      description: 'how calibration pixels become inputs: none, unit, caffe, tf (default none)',
    },
    json: { type: 'boolean', description: 'print what was written as JSON' },
  },
  examples: [
    'pabnn quantize resnet8.onnx -o resnet8-pa.pabnn --weight-bases 2 --activation-bases 3',
    'pabnn quantize ResNet50/model.json -o resnet50-pa.pabnn --calibrate images/ --preprocess caffe',
  ],
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
    const summary = {
      output,
      scheme,
      weightBases,
      activationBases,
      binarizedConvs: layers,
      foldedBatchNorms: report.foldedBatchNorms,
      bytes: bytes.length,
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : `wrote ${output}: ${layers} convs binarized, ${report.foldedBatchNorms} BatchNorms folded, ${(bytes.length / 1e6).toFixed(2)} MB\n`,
    );
    return 0;
  },
};
