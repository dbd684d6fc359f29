import './models.js';

export { binaryConvMacs, costOf, type ModelCost } from './cost.js';
export { type DenseNetConfig, densenet } from './families/densenet.js';
export { mobilenetV1, mobilenetV2 } from './families/mobilenet.js';
export { type ResNetConfig, resnet } from './families/resnet.js';
export { type ConvRole, type ConvSpec, ModelBuilder } from './model-builder.js';
export {
  type InputKind,
  type LayerBases,
  type ResolvedOptions,
  resolveOptions,
  type Scheme,
  type ZooOptions,
} from './options.js';
export { createModel, listModels, type ModelEntry, modelInfo, registerModel } from './registry.js';
