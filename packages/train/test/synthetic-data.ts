import type { ImageDataset } from '../src/index.js';

/**
 * 16 small synthetic 28x28 images of 10 classes: what a test run needs to take real steps and
 * write a real checkpoint in about a second (4 batches of 4 an epoch).
 */
export const SYNTHETIC_DATA: ImageDataset = {
  name: 'synthetic',
  images: Uint8Array.from({ length: 16 * 28 * 28 }, (_, i) => (i * 37) % 256),
  labels: Uint8Array.from({ length: 16 }, (_, i) => i % 10),
  count: 16,
  height: 28,
  width: 28,
  channels: 1,
  classes: 10,
  mean: 0.5,
  std: 0.25,
  classNames: Array.from({ length: 10 }, (_, i) => String(i)),
};
