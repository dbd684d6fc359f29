import { TrainError } from '../errors.js';

/** Grey images with labels, as bytes (a 60,000-image set stays 47 MB, not 188 MB of floats). */
export interface ImageDataset {
  name: string;
  /** [count, height, width, channels] uint8, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  /** Per-channel normalisation applied after scaling bytes to [0, 1]. */
  mean: number;
  std: number;
  /** Class names, index = label. */
  classNames: string[];
}

/** Wraps arrays you already have (a browser upload, another dataset) as an ImageDataset. */
export function datasetFromArrays(d: ImageDataset): ImageDataset {
  const pixels = d.height * d.width * d.channels;
  if (d.images.length !== d.count * pixels || d.labels.length !== d.count) {
    throw new TrainError(
      'dataset',
      `${d.name}: ${d.count} images of ${d.height}x${d.width}x${d.channels} need ${d.count * pixels} pixel bytes and ${d.count} labels, got ${d.images.length} and ${d.labels.length}`,
    );
  }
  const bad = d.labels.findIndex((l) => l >= d.classes);
  if (bad >= 0)
    throw new TrainError(
      'dataset',
      `${d.name}: label ${d.labels[bad]} at ${bad} is not below ${d.classes}`,
    );
  if (!(d.std > 0)) throw new TrainError('dataset', `${d.name}: std must be > 0`);
  return d;
}

/** The first `count` images (quick runs, smoke tests). */
export function takeImages(d: ImageDataset, count: number): ImageDataset {
  const n = Math.min(count, d.count);
  const pixels = d.height * d.width * d.channels;
  return {
    ...d,
    count: n,
    images: d.images.subarray(0, n * pixels),
    labels: d.labels.subarray(0, n),
  };
}
