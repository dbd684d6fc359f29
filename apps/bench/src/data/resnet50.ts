import { resnet50ModelJson } from '@pabnn/config/npm-data';
import { hwioToOhwi, type NamedWeight, readTfjsModel } from '@pabnn/convert';

/** Every convolution kernel of the Keras ResNet-50 (53: the stem, 48 in blocks, 4 downsampling), OHWI. */
export function resnet50ConvKernels(): Map<string, NamedWeight> {
  const { weights } = readTfjsModel(resnet50ModelJson());
  const convs = new Map<string, NamedWeight>();
  for (const [name, w] of weights) {
    if (name.endsWith('/kernel') && w.shape.length === 4)
      convs.set(name.replace('/kernel', ''), hwioToOhwi(w));
  }
  return convs;
}
