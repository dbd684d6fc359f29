import { seededRandom } from '@pabnn/ir';
import type { ImageDataset } from './dataset.js';

export interface Augmentation {
  /** Random translation by up to this many pixels (zero fill), default 0. */
  shift?: number;
  /** Random horizontal flip (fine for Fashion-MNIST, wrong for digits), default false. */
  flip?: boolean;
}

export interface Batch {
  /** [size, H, W, C] normalised floats; the buffer is reused by the next batch. */
  x: Float32Array;
  labels: Uint8Array;
  size: number;
}

/** The epoch's order: a seeded Fisher-Yates shuffle, the same for the same (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const random = seededRandom((seed * 100_003 + epoch * 7919) >>> 0);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Normalised floats of one image into `out` at `offset`, with an optional shift and flip. */
function writeImage(
  d: ImageDataset,
  index: number,
  out: Float32Array,
  offset: number,
  dy: number,
  dx: number,
  flip: boolean,
) {
  const { height: h, width: w, channels: c } = d;
  const base = index * h * w * c;
  const scale = 1 / (255 * d.std);
  const zero = -d.mean / d.std;
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    for (let x = 0; x < w; x++) {
      const sx0 = x - dx;
      const sx = flip ? w - 1 - sx0 : sx0;
      for (let k = 0; k < c; k++) {
        const inside = sy >= 0 && sy < h && sx0 >= 0 && sx0 < w;
        out[offset + (y * w + x) * c + k] = inside
          ? d.images[base + (sy * w + sx) * c + k] * scale + zero
          : zero;
      }
    }
  }
}

/**
 * Batches of an epoch in a seeded order, without copying the dataset: each batch is written
 * into one reused buffer. `from` skips batches (resuming a checkpoint mid-epoch); the last
 * partial batch is kept unless `dropLast`.
 */
export function* batches(
  d: ImageDataset,
  options: {
    batchSize: number;
    seed?: number;
    epoch?: number;
    shuffle?: boolean;
    augment?: Augmentation;
    from?: number;
    dropLast?: boolean;
  },
): Generator<Batch> {
  const { batchSize } = options;
  const order =
    options.shuffle === false
      ? Uint32Array.from({ length: d.count }, (_, i) => i)
      : epochOrder(d.count, options.seed ?? 1, options.epoch ?? 0);
  const pixels = d.height * d.width * d.channels;
  const buffer = new Float32Array(batchSize * pixels);
  const labels = new Uint8Array(batchSize);
  const shift = options.augment?.shift ?? 0;
  const flip = options.augment?.flip ?? false;
  const random = seededRandom(((options.seed ?? 1) * 31 + (options.epoch ?? 0)) >>> 0);
  const total = options.dropLast ? Math.floor(d.count / batchSize) : Math.ceil(d.count / batchSize);
  for (let b = 0; b < total; b++) {
    const start = b * batchSize;
    const size = Math.min(batchSize, d.count - start);
    // draw augmentation even for skipped batches so a resumed epoch sees the same images
    const draws = Array.from({ length: size }, () => [
      shift ? Math.round((random() * 2 - 1) * shift) : 0,
      shift ? Math.round((random() * 2 - 1) * shift) : 0,
      flip ? random() < 0.5 : false,
    ]);
    if (b < (options.from ?? 0)) continue;
    for (let i = 0; i < size; i++) {
      const index = order[start + i];
      const [dy, dx, f] = draws[i] as [number, number, boolean];
      writeImage(d, index, buffer, i * pixels, dy, dx, f);
      labels[i] = d.labels[index];
    }
    yield {
      x: size === batchSize ? buffer : buffer.subarray(0, size * pixels),
      labels: size === batchSize ? labels : labels.subarray(0, size),
      size,
    };
  }
}

/** Number of batches in an epoch. */
export function batchesPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}
