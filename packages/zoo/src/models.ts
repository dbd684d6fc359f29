// Every registered model: one line per variant (timm style). A scheme prefix sets the
// default scheme ('resnet18' is float, 'pa_resnet18' PA with M=4, N=5); options override it.
import { densenet } from './families/densenet.js';
import { mobilenetV1, mobilenetV2 } from './families/mobilenet.js';
import { type ResNetConfig, resnet } from './families/resnet.js';
import type { Scheme, ZooOptions } from './options.js';
import { registerModel } from './registry.js';

const SCHEMES: [prefix: string, scheme: Scheme][] = [
  ['', 'float'],
  ['pa_', 'pa'],
  ['xnor_', 'xnor'],
  ['abc_', 'abc'],
];

const RESNETS: [string, ResNetConfig, ZooOptions][] = [
  ['resnet8', { block: 'basic', depths: [1, 1, 1] }, { input: 'mnist' }],
  ['resnet18', { block: 'basic', depths: [2, 2, 2, 2] }, {}],
  ['resnet34', { block: 'basic', depths: [3, 4, 6, 3] }, {}],
  ['resnet50', { block: 'bottleneck', depths: [3, 4, 6, 3] }, {}],
];

for (const [prefix, scheme] of SCHEMES) {
  for (const [name, config, defaults] of RESNETS) {
    registerModel(`${prefix}${name}`, 'resnet', `${scheme} ${name}`, (o) =>
      resnet(`${prefix}${name}`, config, o, { scheme, ...defaults }),
    );
  }
  registerModel(`${prefix}densenet121`, 'densenet', `${scheme} DenseNet-121`, (o) =>
    densenet(`${prefix}densenet121`, { blocks: [6, 12, 24, 16] }, o, { scheme }),
  );
  registerModel(`${prefix}mobilenet_v1`, 'mobilenet', `${scheme} MobileNet-V1`, (o) =>
    mobilenetV1(`${prefix}mobilenet_v1`, o, { scheme }),
  );
  registerModel(`${prefix}mobilenet_v2`, 'mobilenet', `${scheme} MobileNet-V2`, (o) =>
    mobilenetV2(`${prefix}mobilenet_v2`, o, { scheme }),
  );
}
