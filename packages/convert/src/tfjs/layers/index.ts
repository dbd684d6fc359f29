import type { LayerHandler } from '../layer-context.js';
import { activationLayer, identityLayer, reluLayer, softmaxLayer } from './activations.js';
import { batchNorm } from './batch-norm.js';
import { conv } from './conv.js';
import { dense } from './dense.js';
import { add, concatenate } from './merge.js';
import { flatten, globalAveragePooling, pooling, zeroPadding } from './spatial.js';

/**
 * Every Keras layer class importTfjsLayers reads, by class name (InputLayer is read by the
 * importer itself): adding a layer is one handler here.
 */
export const LAYER_HANDLERS: Readonly<Record<string, LayerHandler>> = {
  Conv2D: conv,
  DepthwiseConv2D: conv,
  Dense: dense,
  BatchNormalization: batchNorm,
  Activation: activationLayer,
  ReLU: reluLayer,
  Softmax: softmaxLayer,
  ZeroPadding2D: zeroPadding,
  MaxPooling2D: pooling,
  AveragePooling2D: pooling,
  GlobalAveragePooling2D: globalAveragePooling,
  Add: add,
  Concatenate: concatenate,
  Flatten: flatten,
  Dropout: identityLayer,
};
