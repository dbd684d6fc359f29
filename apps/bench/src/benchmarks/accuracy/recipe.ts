import type { DatasetName } from '@pabnn/train';

/** One training run of the accuracy table. */
export interface RunSpec {
  id: string;
  dataset: DatasetName;
  model: string;
  scheme: 'float' | 'pa' | 'abc' | 'xnor';
  M: number;
  N: number;
  epochs: number;
  learningRate: number;
  /** The float run this one fine-tunes from (the paper's recipe), if binarized. */
  from?: string;
  /** Activation staircases first fitted to the conv input ('identity') or its ReLU ('relu'). */
  calibration?: 'identity' | 'relu';
}

/**
 * The recipe, the same for every binarized run (PA-METHOD.md): train full precision, then
 * fine-tune the binarized network from it with the same epochs and schedule for every scheme;
 * first conv and classifier stay float. Adam, cosine decay, batch 128, no augmentation.
 */
export const FLOAT_EPOCHS = 3;
export const BINARY_EPOCHS = 1;
export const BATCH_SIZE = 128;
const FLOAT_LR = 1e-3;
const BINARY_LR = 5e-4;

const SCHEMES: [RunSpec['scheme'], number, number, ('relu' | undefined)?][] = [
  ['xnor', 1, 1],
  ['abc', 3, 3],
  ['pa', 3, 3],
  ['pa', 4, 5],
  // the float net has a ReLU before every binarized conv, which the binarized graphs drop: a
  // staircase fitted to ReLU(x) keeps PA 4x5 at 77 % before fine-tuning instead of 18 %
  ['pa', 3, 3, 'relu'],
  ['pa', 4, 5, 'relu'],
];

function runsFor(dataset: DatasetName, model: string): RunSpec[] {
  const floatId = `${dataset}/${model}/float`;
  return [
    {
      id: floatId,
      dataset,
      model,
      scheme: 'float',
      M: 32,
      N: 32,
      epochs: FLOAT_EPOCHS,
      learningRate: FLOAT_LR,
    },
    ...SCHEMES.map(([scheme, m, n, calibration]) => ({
      id: `${dataset}/${model}/${scheme}-${m}x${n}${calibration ? `-${calibration}` : ''}`,
      calibration,
      dataset,
      model,
      scheme,
      M: m,
      N: n,
      epochs: BINARY_EPOCHS,
      learningRate: BINARY_LR,
      from: floatId,
    })),
  ];
}

/** Every run of `pnpm bench accuracy`: Fashion-MNIST on three zoo families, MNIST on ResNet. */
export const RUNS: RunSpec[] = [
  ...runsFor('fashion-mnist', 'resnet8'),
  ...runsFor('mnist', 'resnet8'),
  ...runsFor('fashion-mnist', 'densenet121'),
  ...runsFor('fashion-mnist', 'mobilenet_v1'),
];

/** File-system-safe name of a run. */
export const runFileName = (id: string) => id.replaceAll('/', '__');
